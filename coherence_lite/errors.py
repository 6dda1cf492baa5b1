# -*- test-case-name: tests.control.test_message,tests.host.test_service -*-
"""
Errors shared by the device host, the MediaServer, the control point and
the command line.

Errors that belong to one pure layer stay with it (L{DeviceError} with the
device model, L{ConfigError} with device files, L{ParseError} with SSDP
messages); this module holds the ones several packages raise or catch.
"""

__all__ = ["HostedDeviceError", "StartFailed", "StartupError", "UPnPError", "UPNP_ERROR_DESCRIPTIONS"]


class HostedDeviceError(Exception):
    """
    The device to host cannot be built from a device file and overrides.

    @ivar field: the device field an override got wrong (C{friendlyName},
        C{UDN}), or L{None} when the device file is at fault.
    @ivar reason: what is wrong; for a device file, its path, key and reason.
    """

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return self.reason if self.field is None else f"{self.field}: {self.reason}"


class StartupError(Exception):
    """
    A service cannot start (a port is taken, no interface is usable); the
    message says why in one line.
    """


class StartFailed(SystemExit, Exception):
    """
    The device host cannot start; the process ends with status 1.

    How twistd reports a start failure: in the foreground, an exception out of
    C{startService} ends the process (a L{SystemExit} quietly, with its
    status).  As a daemon, the launching process waits on a status pipe for
    the daemon's start: twistd writes any L{Exception} raised by
    C{startService} into that pipe, and the launching process prints it and
    exits with status 1.  A L{SystemExit} is no L{Exception}: twistd lets it
    through without writing to the pipe, and the launching process, which
    holds the pipe's other end itself, waits for ever.  L{StartFailed} is
    both, so each mode does the right thing.

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


#: The standard description of each UPnP error code UDA 2.0 defines for
#: control (section 3.2.2), used when a L{UPnPError} is raised without one.
UPNP_ERROR_DESCRIPTIONS = {
    401: "Invalid Action",
    402: "Invalid Args",
    501: "Action Failed",
    600: "Argument Value Invalid",
    601: "Argument Value Out of Range",
    602: "Optional Action Not Implemented",
    603: "Out of Memory",
    604: "Human Intervention Required",
    605: "String Argument Too Long",
}


class UPnPError(Exception):
    """
    An action failed with a UPnP error code: the control endpoint answers it
    with a SOAP fault carrying C{code} and C{description}.

    Raise it from an action: C{raise UPnPError(402)}, or with a service's
    own code, C{raise UPnPError(714, "No such entry in array")}.

    @ivar code: 401 (invalid action), 402 (invalid arguments), 501 (action
        failed), or 600 to 899 (600-699 common, 700-799 defined by the
        service's standard, 800-899 by the vendor).
    @ivar description: a short text for the fault's C{errorDescription};
        the standard one when the code has one and none is given.
    """

    def __init__(self, code: int, description: str | None = None) -> None:
        """
        @raise ValueError: C{code} is not one of the codes above, no
            description is given for a code without a standard one, or the
            description is empty, longer than 256 characters or holds a
            control character.
        """
        if isinstance(code, bool) or not isinstance(code, int) or not (code in (401, 402, 501) or 600 <= code <= 899):
            raise ValueError(f"{code!r} is not a UPnP error code (401, 402, 501 or 600-899)")
        if description is None:
            description = UPNP_ERROR_DESCRIPTIONS.get(code)
            if description is None:
                raise ValueError(f"UPnP error {code} has no standard description: give one")
        if not isinstance(description, str) or not description.strip() or len(description) > 256:
            raise ValueError("a UPnP error description is a text of 1 to 256 characters")
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) < 0xE000 or c in "\ufffe\uffff" for c in description):
            raise ValueError("a UPnP error description holds no control characters")
        super().__init__(code, description)
        self.code = code
        self.description = description

    def __str__(self) -> str:
        return f"UPnP error {self.code}: {self.description}"
