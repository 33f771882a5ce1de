"""sync part of the district server (owned by its engineer)."""
