"""Errors a user can act on. The CLI catches `NeocloudError` once and prints its message."""


class NeocloudError(Exception):
    """A failure with a message that says what went wrong and how to fix it."""


class UnreadableFile(NeocloudError):
    """A file that is empty, binary or in an encoding we cannot decode."""
