"""Errors the system raises on purpose, with a stable code for `extensions.code`."""


class GridmarkError(Exception):
    """An error a client may see: its message, `extensions.code` and the extra `extensions`."""

    def __init__(self, code, message, **extensions):
        super().__init__(message)
        self.code = code
        self.extensions = {**extensions, "code": code}
