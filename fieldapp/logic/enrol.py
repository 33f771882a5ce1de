"""What the enrol screen makes of what the officer typed or pasted.

The supervisor's QR code carries `tambon://enrol?server=<url>&code=<code>`; an officer may
paste that whole text into the code field, or type the code alone and the server address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

__all__ = ["EnrolInput", "EnrolInputError", "parse_enrol_input"]


@dataclass(frozen=True)
class EnrolInput:
    server: str
    code: str


class EnrolInputError(ValueError):
    """`key` names the i18n message the screen shows next to `field` (code or server)."""

    def __init__(self, key: str, field: str) -> None:
        super().__init__(key)
        self.key = key
        self.field = field


def parse_enrol_input(code_text: str, server_text: str) -> EnrolInput:
    code_text = code_text.strip()
    server = server_text.strip().rstrip("/")
    if code_text.lower().startswith("tambon:"):
        try:
            parts = urlsplit(code_text)
        except ValueError:  # e.g. "tambon://[x": an unclosed IPv6 bracket
            raise EnrolInputError("enrol.err.qr_bad", "code") from None
        if parts.netloc != "enrol" and parts.path.strip("/") != "enrol":
            raise EnrolInputError("enrol.err.qr_bad", "code")
        query = parse_qs(parts.query)
        code_values = query.get("code", [])
        server_values = query.get("server", [])
        if not code_values or not code_values[0].strip():
            raise EnrolInputError("enrol.err.qr_bad", "code")
        code_text = code_values[0].strip()
        if server_values and server_values[0].strip():
            server = server_values[0].strip().rstrip("/")
    if not code_text:
        raise EnrolInputError("enrol.err.code_missing", "code")
    if not server:
        raise EnrolInputError("enrol.err.server_missing", "server")
    try:
        netloc = urlsplit(server).netloc
    except ValueError:  # "http://[::1" (unclosed bracket)
        netloc = ""
    if not server.startswith(("http://", "https://")) or not netloc:
        raise EnrolInputError("enrol.err.server_bad", "server")
    return EnrolInput(server=server, code=code_text)
