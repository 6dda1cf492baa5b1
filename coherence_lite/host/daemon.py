# -*- test-case-name: tests.test_daemon -*-
"""
What the device host needs to run as a daemon under twistd: L{StartFailed},
the one way a start-up failure reaches the user both in the foreground
(C{twistd -n}) and as a daemon.

How twistd reports a start failure: in the foreground, an exception out of
C{startService} ends the process (a L{SystemExit} quietly, with its
status).  As a daemon, the launching process waits on a status pipe for
the daemon's start: twistd writes any L{Exception} raised by
C{startService} into that pipe, and the launching process prints it and
exits with status 1.  A L{SystemExit} is no L{Exception}: twistd lets it
through without writing to the pipe, and the launching process, which
holds the pipe's other end itself, waits for ever.  L{StartFailed} is
both, so each mode does the right thing.
"""

from __future__ import annotations

__all__ = ["StartFailed"]


class StartFailed(SystemExit, Exception):
    """
    The device host cannot start; the process ends with status 1.

    twistd writes C{<module>.StartFailed: <reason>} to its status pipe,
    truncated to 100 bytes, so the reason is kept short (C{HTTP port 8080:
    Address already in use}).
    """

    def __init__(self, reason: str) -> None:
        """
        @param reason: why, in one short line.
        """
        super().__init__(reason)
        self.reason = reason
        self.code = 1

    def __str__(self) -> str:
        return self.reason
