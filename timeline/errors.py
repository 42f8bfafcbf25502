"""The one error type the CLI turns into a one-line message and an exit code."""

from __future__ import annotations


class TimelineError(Exception):
    """A problem the user can fix; shown as one line, no traceback."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(TimelineError):
    """The command line itself is wrong (a bad flag value, a bad query term)."""

    exit_code = 2


class StoreError(TimelineError):
    """The store cannot be read or does not validate."""

    exit_code = 1
