"""The server's own JSON API: health, enrolment, the caller, and the plain record read API."""
