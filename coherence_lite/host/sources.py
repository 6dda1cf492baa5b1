# -*- test-case-name: tests.host.test_sources -*-
"""
Where the devices C{twistd upnp-device} hosts come from: L{DeviceSources},
the device files (C{--config}, repeatable, and every C{*.toml} of
C{--config-dir}) and the overrides (C{--friendly-name}, C{--uuid}).

The same sources are read at start and again on each reload (SIGHUP), so
what a reload hosts is exactly what a restart would.  Every problem is a
L{HostedDeviceError} naming the file (and key) or the option: one line for
the user, never a traceback.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, replace
from pathlib import Path

from coherence_lite.backend.bindings import checkFunctions
from coherence_lite.backend.hosted import Hosted, asHosted
from coherence_lite.errors import HostedDeviceError
from coherence_lite.host.media import MediaHosting
from coherence_lite.host.udn import defaultOrigin, derivedUDN, fileOrigin, withDerivedUDNs
from coherence_lite.media.request import MediaRequest, mediaRequestFromFile
from coherence_lite.model.defaults import defaultDevice
from coherence_lite.model.device import Device, DeviceError
from coherence_lite.model.devicefile import ConfigError, loadDevice

__all__ = ["DeviceSources"]


def _mentionsMedia(path: Path) -> bool:
    """
    Whether a device file may hold a C{[media]} table (a cheap look before
    parsing it twice).
    """
    try:
        return b"media" in path.read_bytes()
    except OSError:
        return False

#: At most this many device files are read from a C{--config-dir}: enough
#: for a bridge exposing a thousand devices, few enough to bound start-up.
MAX_FILES = 4096


@dataclass(frozen=True)
class DeviceSources:
    """
    The device files and overrides to build the hosted devices from.

    @ivar configs: device files, in the order given.
    @ivar configDirectory: a folder whose C{*.toml} files (sorted by name)
        follow C{configs}; L{None} for none.
    @ivar friendlyName: the friendlyName of the one hosted device, or
        L{None}.
    @ivar udn: the UDN (C{uuid:...}) of the one hosted device, or L{None}.
    @ivar stateDirectory: the state directory, whose path the default
        device's derived UDN depends on (see
        L{coherence_lite.host.udn.defaultOrigin}).
    @ivar media: the MediaServer of C{--media}, hosted after the files'
        devices; with it and no file, the default device is not hosted.
    @ivar mediaHosting: builds and keeps the MediaServer (of C{media} or
        of a device file's C{[media]} table); L{None} reads no such file.
    """

    configs: tuple[Path, ...] = ()
    configDirectory: Path | None = None
    friendlyName: str | None = None
    udn: str | None = None
    stateDirectory: Path | None = None
    media: MediaRequest | None = None
    mediaHosting: MediaHosting | None = None

    def files(self) -> list[Path]:
        """
        The device files to read, in hosting order (a file of the folder
        also given with C{--config} is read once, in its C{--config} place).

        @raise HostedDeviceError: a file is given twice, or the folder
            cannot be listed, or holds no device file or too many.
        """
        files = list(self.configs)
        seen: set[Path] = set()
        for path in files:
            resolved = path.resolve()
            if resolved in seen:
                raise HostedDeviceError("config", f"{path} is given twice")
            seen.add(resolved)
        if self.configDirectory is not None:
            directory = self.configDirectory
            try:
                found = sorted(
                    entry for entry in directory.iterdir() if entry.suffix == ".toml" and not entry.name.startswith(".")
                )
            except OSError as e:
                raise HostedDeviceError("config-dir", f"{directory}: cannot list the folder: {e.strerror or e}") from None
            if not found:
                raise HostedDeviceError("config-dir", f"{directory}: holds no *.toml device file")
            if len(found) > MAX_FILES:
                raise HostedDeviceError("config-dir", f"{directory}: holds more than {MAX_FILES} device files")
            files.extend(entry for entry in found if entry.resolve() not in seen)
        return files

    def load(self, identity: str, hostname: str | None = None) -> list[Hosted]:
        """
        Read the devices to host.

        @param identity: the machine's identity, for derived UDNs (see
            L{coherence_lite.host.udn.machineIdentity}).
        @param hostname: the host name, for the default device's name;
            L{None} for this machine's.
        @return: the root devices with their files' bindings, in hosting
            order: one per file, or the default Basic:1 device when there
            is no file.
        @raise HostedDeviceError: a file cannot be read or is not a valid
            device, two devices share a UDN (naming both files), an override
            is invalid, or overrides are given for several devices.
        """
        hostname = platform.node() if hostname is None else hostname
        files = self.files()
        if len(files) > 1:
            for name, value in (("friendlyName", self.friendlyName), ("UDN", self.udn)):
                if value is not None:
                    raise HostedDeviceError(
                        name, f"names one device, but {len(files)} device files are given: write it into each file instead"
                    )
        if not files and self.media is not None:
            return [self._mediaDevice(self.media, identity, [])]
        if not files:
            try:
                udn = self.udn or derivedUDN(identity, defaultOrigin(self.stateDirectory))
                return [Hosted(defaultDevice(self.friendlyName, udn, hostname))]
            except DeviceError as e:
                raise HostedDeviceError(e.field, e.reason) from None
        devices: list[Hosted] = []
        origins: dict[str, Path] = {}
        asked: list[MediaRequest] = []
        for path in files:
            request = mediaRequestFromFile(path) if self.mediaHosting is not None and _mentionsMedia(path) else None
            if request is not None:
                devices.append(self._mediaDevice(request, identity, asked))
                origins.setdefault(devices[-1].device.UDN.lower(), path)
                continue
            try:
                read = loadDevice(path, hostname=hostname)
                read = read.withDevice(withDerivedUDNs(read.device, hostname, identity, fileOrigin(path)))
                checkFunctions(read.bindings)
            except ConfigError as e:
                raise HostedDeviceError(None, str(e)) from None
            except DeviceError as e:
                raise HostedDeviceError(None, f"{path}: {e.field}: {e.reason}") from None
            read = read.withDevice(self._overridden(read.device))
            device = read.device
            for each in device.allDevices():
                other = origins.get(each.UDN.lower())
                if other is not None:
                    where = "in the same file" if other == path else f"in {other}"
                    raise HostedDeviceError(
                        None,
                        f"{path}: the UDN {each.UDN} is already the UDN of a device {where}: every device needs its own UDN",
                    )
                origins[each.UDN.lower()] = path
            devices.append(asHosted(read))
        if self.media is not None:
            media = self._mediaDevice(self.media, identity, asked)
            other = origins.get(media.device.UDN.lower())
            if other is not None:
                raise HostedDeviceError(
                    None, f"{other}: the UDN {media.device.UDN} is the MediaServer's: every device needs its own UDN"
                )
            devices.append(media)
        return devices

    def _mediaDevice(self, request: MediaRequest, identity: str, asked: list[MediaRequest]) -> Hosted:
        if asked:
            raise HostedDeviceError(
                None, f"{request.origin}: a host serves one MediaServer, and {asked[0].origin} already asks for one"
            )
        asked.append(request)
        assert self.mediaHosting is not None
        return self.mediaHosting.device(request, identity)

    def _overridden(self, device: Device) -> Device:
        try:
            if self.friendlyName is not None:
                device = replace(device, friendlyName=self.friendlyName)
            if self.udn is not None:
                device = replace(device, UDN=self.udn)
        except DeviceError as e:
            raise HostedDeviceError(e.field, e.reason) from None
        return device

    def describe(self) -> str:
        """
        The sources in a few words, for log lines.
        """
        names = [os.fspath(path) for path in self.configs]
        if self.configDirectory is not None:
            names.append(f"{self.configDirectory}/*.toml")
        return ", ".join(names) if names else "the default device"
