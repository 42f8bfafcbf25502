"""The one error type the CLI turns into a one-line message and an exit code.

Exit codes: 0 success, 1 the store (or an input file) has a problem, 2 the command line is wrong,
70 a bug in timeline, 130 cancelled at a prompt (Ctrl-C or Ctrl-D) or interrupted. A library
caller catches TimelineError; `problems` holds the structured findings behind it when there are
several (an import with bad rows) or one with a place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.model import Problem


class TimelineError(Exception):
    """A problem the user can fix; shown as one line, no traceback."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(TimelineError):
    """The command line itself is wrong (a bad flag value, a bad query term, an unknown id)."""

    exit_code = 2


class StoreError(TimelineError):
    """The store cannot be read or does not validate; `problems[0]` says where, when that is known."""

    exit_code = 1


class Cancelled(TimelineError):
    """The person stopped a question (Ctrl-C or Ctrl-D at a prompt); nothing was changed."""

    exit_code = 130
