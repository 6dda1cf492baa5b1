# -*- test-case-name: tests.system.test_conformance_probe -*-
"""
The checker: find the device(s), probe each (L{SSDPProbe} then
L{HTTPProbe}) and apply every rule, giving a L{DeviceReport} per device.

A device that answers over IPv4 and IPv6 (two LOCATIONs, the same UDNs)
is one device: it is checked once per address family, each finding's
subject labelled with the family, in one L{DeviceReport}.

The whole run is bounded: one discovery round, then per device (at most
L{MAX_DEVICES}) three search rounds of a few seconds, and HTTP requests
each with its own time limit (at most L{media_probe.MAX_CALLS} and
L{quirk_probe.MAX_CALLS} more for a MediaServer), on the chosen links only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from twisted.internet.task import deferLater
from twisted.web.iweb import IAgent

from coherence_lite.conformance import description_rules as rules
from coherence_lite.conformance import quirk_rules, ssdp_rules
from coherence_lite.conformance.findings import Finding
from coherence_lite.conformance.http_probe import HTTPProbe
from coherence_lite.conformance.media_probe import MediaProbe
from coherence_lite.conformance.ssdp_probe import SSDPProbe
from coherence_lite.conformance.ssdp_rules import Answer, SearchRound
from coherence_lite.controlpoint.callbacks import localAddressFor
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.targets import announcedAs
from coherence_lite.model.description import DEVICE_NAMESPACE
from coherence_lite.model.device import parseURN
from coherence_lite.net.interfaces import Link
from coherence_lite._reactor import Reactor
from coherence_lite.net.zones import urlHost
from coherence_lite.ssdp.advertisement import ALL, ROOT_DEVICE, udnOf

__all__ = ["MAX_DEVICES", "UNKNOWN_TARGET", "DeviceReport", "Checker"]

#: The most devices one run checks.
MAX_DEVICES = 8

#: A search target no device has.
UNKNOWN_TARGET = "urn:coherence-lite-check:device:NoSuchDevice:1"

#: The most services of one device subscribed to.
MAX_SUBSCRIBED = 4


@dataclass(frozen=True)
class DeviceReport:
    """
    The findings about one device.

    @ivar location: its LOCATION (or what was asked for, when not found).
    @ivar root: the device, when its description could be read.
    @ivar locations: every LOCATION it was checked at, one per address
        family, C{location} first.
    """

    location: str
    root: RemoteRootDevice | None
    findings: tuple[Finding, ...]
    locations: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """
        One line naming the device.
        """
        where = " and ".join(self.locations or (self.location,))
        if self.root is None:
            return where
        return f"{self.root.friendlyName} ({self.root.deviceType}) {self.root.UDN} at {where}"

    def asDict(self) -> dict[str, Any]:
        """
        The device as plain data, for the JSON report.
        """
        return {
            "location": self.location,
            "locations": list(self.locations or (self.location,)),
            "friendlyName": None if self.root is None else self.root.friendlyName,
            "UDN": None if self.root is None else self.root.UDN,
            "deviceType": None if self.root is None else self.root.deviceType,
        }


def _family(address: str) -> str:
    return "IPv6" if ":" in address else "IPv4"


def _mine(round: SearchRound, udns: set[str], family: str | None = None) -> SearchRound:
    answers = tuple(
        a for a in round.answers if udnOf(a.response.usn).lower() in udns and family in (None, _family(a.source))
    )
    return SearchRound(round.targets, round.mx, round.unicast, answers)


def devicesOf(answers: Sequence[Answer], st: str | None, wanted: str | None) -> list[list[str]]:
    """
    The devices that answered, each as its LOCATIONs by address family
    (the first heard of each family, IPv4 first): LOCATIONs answering for
    a common UDN are one device.

    @param st: only answers to this target, or every answer.
    @param wanted: only the device holding this UDN (lower case), or every
        device.
    """
    udnsAt: dict[str, set[str]] = {}
    familyOf: dict[str, str] = {}
    for a in answers:
        if st is None or a.response.st == st:
            udnsAt.setdefault(a.response.location, set()).add(udnOf(a.response.usn).lower())
            familyOf.setdefault(a.response.location, _family(a.source))
    groups: list[tuple[set[str], list[str]]] = []
    for location, udns in udnsAt.items():
        joined = [group for group in groups if group[0] & udns]
        merged = (set(udns), [location])
        for group in joined:
            groups.remove(group)
            merged[0].update(group[0])
            merged[1][:0] = group[1]
        groups.append(merged)
    groups.sort(key=lambda group: list(udnsAt).index(group[1][0]))
    devices = []
    for udns, locations in groups:
        if wanted is None or wanted in udns:
            byFamily = {familyOf[location]: location for location in reversed(locations)}
            devices.append([byFamily[family] for family in ("IPv4", "IPv6") if family in byFamily])
    return devices


def _labelled(findings: Sequence[Finding], family: str) -> list[Finding]:
    return [replace(f, subject=f"{family} {f.subject}" if f.subject else family) for f in findings]


class Checker:
    """
    Checks the devices on some links.

    @param reactor: sockets and time.
    @param links: the chosen links; nothing is sent elsewhere.
    @param agent: every HTTP request goes through it.
    @param ssdpPort: the devices' SSDP port.
    @param mx: the MX of the discovery search.
    @param roundWait: seconds each later search round lasts.
    """

    def __init__(
        self,
        reactor: Reactor,
        links: Sequence[Link],
        agent: IAgent,
        ssdpPort: int = 1900,
        mx: int = 2,
        roundWait: float = 2.0,
        timeout: float = 5.0,
        localAddress: Callable[[str], str] = localAddressFor,
    ) -> None:
        self._reactor = reactor
        # SSDP over IPv6 needs a link-local scope: none on loopback.
        self._overIPv6 = any(link.address.version == 6 and not link.address.ip.is_loopback for link in links)
        self._ssdp = SSDPProbe(links, reactor, ssdpPort)
        self._http = HTTPProbe(agent, reactor, timeout, localAddress)
        self._mx = mx
        self._wait = roundWait

    async def run(
        self, st: str | None = None, location: str | None = None, uuid: str | None = None, watch: float = 0.0
    ) -> list[DeviceReport]:
        """
        Find the devices (those answering C{st}, the one at C{location},
        the one holding C{uuid}, or every one) and check each.

        @param watch: seconds to listen for announcements before the
            discovery search (restart the device meanwhile to check its
            byebye and alive bursts).

        @raise twisted.internet.error.CannotListenError: no search socket.
        """
        self._ssdp.start()
        try:
            targets = [ALL] + ([st] if st not in (None, ALL) else [])
            if watch > 0:
                await deferLater(self._reactor, watch, lambda: None)
            discovery = await self._ssdp.round(targets, self._mx, self._mx + 1.0)
            if location is None:
                wanted = None if uuid is None else (uuid if uuid.lower().startswith("uuid:") else f"uuid:{uuid}").lower()
                devices = devicesOf(discovery.answers, st, wanted)[:MAX_DEVICES]
            if location is None and not devices:
                asked = uuid or st or ALL
                return [DeviceReport(asked, None, (ssdp_rules.checkFound(SearchRound(discovery.targets, discovery.mx), asked),))]
            if location is not None:
                return [self._withIPv6(await self._device(location, discovery))]
            return [self._withIPv6(await self._everyFamily(where, discovery)) for where in devices]
        finally:
            await self._ssdp.stop()

    def _withIPv6(self, report: DeviceReport) -> DeviceReport:
        """
        A MediaServer's report with the quirks.ipv6 finding: whether it was
        heard over IPv6 (when the search went over IPv6 too).
        """
        if not any(f.rule == "media.scpd" for f in report.findings):
            return report
        found = quirk_rules.checkIPv6(report.location, report.locations or (report.location,), self._overIPv6)
        return report if found is None else replace(report, findings=report.findings + (found,))

    async def _everyFamily(self, locations: Sequence[str], discovery: SearchRound) -> DeviceReport:
        """
        Check a device at each of its LOCATIONs (one per family), as one.
        """
        if len(locations) == 1:
            return await self._device(locations[0], discovery)
        reports = []
        for location in locations:
            family = _family(urlHost(location) or "")
            report = await self._device(location, discovery, family)
            reports.append(replace(report, findings=tuple(_labelled(report.findings, family))))
        root = next((r.root for r in reports if r.root is not None), None)
        findings = tuple(f for r in reports for f in r.findings)
        return DeviceReport(locations[0], root, findings, tuple(locations))

    async def _device(self, location: str, discovery: SearchRound, family: str | None = None) -> DeviceReport:
        description = await self._http.request(b"GET", location)
        parsed = None if description.reply is None or description.reply.code != 200 else parseDescription(description.reply.body, location)
        if not isinstance(parsed, RemoteRootDevice):
            return DeviceReport(location, None, (rules.checkFetch(description, parsed),))
        root = parsed
        findings = await self._ssdpFindings(root, discovery, family)
        assert description.reply is not None
        body = description.reply.body
        mine = _mine(discovery, {d.UDN.lower() for d in root.allDevices()}, family).answers
        server = mine[0].response.server if mine else None
        announcedConfig = next((a.response.configId for a in mine if a.response.configId is not None), None)
        ads = announcedAs(root)
        findings += [
            rules.checkFetch(description, parsed),
            rules.checkNamespace(location, body, "root", DEVICE_NAMESPACE),
            rules.checkSpecVersion(root, server),
            rules.checkConfigId(location, body, announcedConfig),
            rules.checkNoURLBase(root),
            rules.checkRequired(root),
            # Answers to ssdp:all name the entries; those to another target
            # of the discovery round carry that target (maybe an older version).
            rules.checkMatchesSSDP(root, [(a.response.st, a.response.usn) for a in mine if a.response.st not in discovery.targets[1:]], [(ad.nt, ad.usn) for ad in ads]),
            rules.checkURLs(root),
        ]
        documents, scpds = await self._http.documents(root, description, announcedConfig)
        findings += documents
        services = [s for d in root.allDevices() for s in d.services if s.serviceId in scpds]
        for service in services:
            findings += await self._http.control(service, scpds[service.serviceId])
        for service in [s for s in services if scpds[s.serviceId].evented()][:MAX_SUBSCRIBED]:
            findings += await self._http.eventing(service, scpds[service.serviceId])
        findings += await MediaProbe(self._http).run(root, scpds)
        return DeviceReport(location, root, tuple(findings))

    async def _ssdpFindings(self, root: RemoteRootDevice, discovery: SearchRound, family: str | None) -> list[Finding]:
        udns = {d.UDN.lower() for d in root.allDevices()}
        ads = announcedAs(root)
        targets = list(dict.fromkeys(ad.nt for ad in ads))
        older = []
        for nt in targets:
            urn = parseURN(nt)
            if urn is not None and urn.version > 1:
                older.append(urn.withVersion(urn.version - 1))
        shouted = "uuid:" + root.UDN[5:].upper()
        # The upper-case UUID goes in the unicast round, alone with
        # upnp:rootdevice: an answer with the lower-case UUID as ST is then
        # told apart from the answer to the UUID as announced.
        unicastTargets = [ROOT_DEVICE] + ([shouted] if shouted != root.UDN else [])
        found = _mine(discovery, udns, family)
        # The search without MX comes first: the device must still answer
        # the searches after it.
        noMX = _mine(await self._ssdp.round([ALL], None, self._wait * 0.75), udns, family)
        each = _mine(await self._ssdp.round(targets + older + [UNKNOWN_TARGET], 1, max(self._wait, 1 + ssdp_rules.MX_TOLERANCE)), udns, family)
        host = found.answers[0].source if found.answers else (urlsplit(root.location).hostname or "")
        unicast = _mine(await self._ssdp.round(unicastTargets, None, self._wait * 0.75, unicastTo=host), udns, family)
        notifies = [n for source, n in self._ssdp.notifies if udnOf(n.usn).lower() in udns and family in (None, _family(source))]
        responses = [a.response for r in (found, each, noMX, unicast) for a in r.answers]
        configId = root.configId
        results: list[Finding | None] = [
            ssdp_rules.checkFound(found, root.location),
            ssdp_rules.checkEveryTarget(each, ads),
            ssdp_rules.checkVersionRule(each, ads, older),
            ssdp_rules.checkEchoed([each, unicast], ads),
            ssdp_rules.checkUnknownTarget(each, UNKNOWN_TARGET),
            ssdp_rules.checkResponseHeaders([a for r in (found, each, unicast) for a in r.answers]),
            ssdp_rules.checkNotifyHeaders(notifies),
            ssdp_rules.checkAliveComplete(notifies, ads),
            ssdp_rules.checkByebyeThenAlive(notifies),
            ssdp_rules.checkMXSpread(found),
            ssdp_rules.checkUnicast(unicast, ssdp_rules.serverVersion(found.answers[0].response.server if found.answers else None)),
            ssdp_rules.checkNoMX(noMX, bool(each.answers)),
            ssdp_rules.checkIds(responses, notifies, configId),
        ]
        return [f for f in results if f is not None]
