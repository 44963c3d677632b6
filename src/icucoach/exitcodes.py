"""The one table of exit codes every ``icucoach`` command uses: one code per cause, the same in every command.

A script or cron job can branch on the cause without parsing messages. The table is printed in README.md
("Exit codes") and ``tests/cli`` checks that each command exits with the code of its cause.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    INTERNAL = 1  # an unexpected failure (a bug): nothing was replaced; please report it
    USAGE = 2  # a bad option, argument or input value (Click's own code for usage errors)
    UPSTREAM = 3  # Intervals.icu (or the base URL) unreachable, failing, rate limiting or unreadable
    PARTIAL = 4  # the output was written, but some details could not be fetched (listed on stderr)
    LOCKED = 5  # another run holds the lock on the same output folder or archive
    CONFIG = 6  # configuration missing or invalid: no credentials, unreadable config file
    AUTH = 7  # credentials rejected, or access to the athlete refused (HTTP 401/403)
    OUTPUT = 8  # the output file or folder cannot be created or written; previous files are untouched
    STORE = 9  # the archive database is unreachable, of an unsupported kind, or unusable
    INVALID = 10  # the checked input is invalid (e.g. a workout with errors); nothing was written
    NOT_FOUND = 11  # an id or file that was named does not exist (or is not visible to these credentials)
    INTERRUPTED = 130  # Ctrl-C: what was and was not written is said on stderr


MEANING: dict[Exit, str] = {
    Exit.OK: "success",
    Exit.INTERNAL: "unexpected failure (a bug); nothing was replaced — please report it",
    Exit.USAGE: "a bad option, argument or input value",
    Exit.UPSTREAM: "Intervals.icu (or INTERVALS_BASE_URL) unreachable, failing, rate limiting or unreadable",
    Exit.PARTIAL: "output written, but some details could not be fetched",
    Exit.LOCKED: "another run holds the lock",
    Exit.CONFIG: "configuration missing or invalid (credentials, config file)",
    Exit.AUTH: "credentials rejected or access to the athlete refused",
    Exit.OUTPUT: "the output file or folder cannot be created or written",
    Exit.STORE: "the archive database is unreachable, unsupported or unusable",
    Exit.INVALID: "the checked input is invalid; nothing was written",
    Exit.NOT_FOUND: "a named id or file does not exist",
    Exit.INTERRUPTED: "interrupted (Ctrl-C)",
}

__all__ = ["MEANING", "Exit"]
