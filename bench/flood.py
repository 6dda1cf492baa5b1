"""
The SSDP half of C{bench/attack.py}: malformed and valid datagrams sent to
the daemon on loopback, and what comes back.

Unicast goes to 127.0.0.1; multicast leaves through 127.0.0.1 with TTL 1.
"""

from __future__ import annotations

import random
import selectors
import socket
import time
from collections import Counter
from dataclasses import dataclass, field

from coherence_lite.ssdp import SSDP_ADDR
from coherence_lite.ssdp.message import SearchResponse
from coherence_lite.ssdp.parse import parse

__all__ = ["FloodResult", "malformed", "searchDatagram", "udpFlood"]


def searchDatagram(st: str, mx: int | None, host: str) -> bytes:
    lines = ["M-SEARCH * HTTP/1.1", f"HOST: {host}", 'MAN: "ssdp:discover"']
    if mx is not None:
        lines.append(f"MX: {mx}")
    lines.append(f"ST: {st}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def malformed(rng: random.Random, host: str) -> tuple[str, bytes]:
    """
    One malformed datagram and the name of its kind.
    """
    valid = searchDatagram("ssdp:all", 1, host)
    kind = rng.choice(
        ["garbage", "garbage", "truncated", "truncated", "crlf-injected", "no-man", "no-st", "no-mx",
         "mx-abc", "bad-st", "unknown-method", "huge", "10k-headers"]
    )
    if kind == "garbage":
        data = rng.randbytes(rng.randint(1, 600))
    elif kind == "truncated":
        data = valid[: rng.randint(1, len(valid) - 5)]
    elif kind == "crlf-injected":
        data = valid.replace(b"ST: ssdp:all", b"ST: ssdp:all\rLOCATION: http://evil.example/\rX-Evil: 1")
    elif kind == "no-man":
        data = valid.replace(b'MAN: "ssdp:discover"\r\n', b"")
    elif kind == "no-st":
        data = valid.replace(b"ST: ssdp:all\r\n", b"")
    elif kind == "no-mx":
        data = valid.replace(b"MX: 1\r\n", b"")
    elif kind == "mx-abc":
        data = valid.replace(b"MX: 1", b"MX: abc")
    elif kind == "bad-st":
        data = valid.replace(b"ssdp:all", b"ssdp:all " + b"A" * 400)
    elif kind == "unknown-method":
        data = valid.replace(b"M-SEARCH", b"SUBSCRIBE")
    elif kind == "huge":
        data = b"M-SEARCH * HTTP/1.1\r\n" + b"X-Pad: " + b"x" * 60000 + b"\r\n\r\n"
    else:
        data = b"M-SEARCH * HTTP/1.1\r\n" + b"A: b\r\n" * 10000 + b"\r\n"
    # The big ones are rarer: they cost the sender as much as the daemon.
    if kind in ("huge", "10k-headers") and rng.random() < 0.7:
        return malformed(rng, host)
    return kind, data


@dataclass
class FloodResult:
    """
    What the SSDP flood sent and got back.

    @ivar kinds: datagrams sent, by kind.
    @ivar answers: datagrams received back, valid search responses or not.
    @ivar bytesOut: bytes sent in all.
    @ivar validOut: bytes of the valid searches among them.
    @ivar bytesIn: bytes received back.
    """

    kinds: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    bytesOut: int = 0
    validOut: int = 0
    bytesIn: int = 0


def udpFlood(ssdpPort: int, count: int, rng: random.Random, deadline: float) -> FloodResult:
    """
    Send C{count} datagrams, about one in ten a valid search, and count the
    answers until it has been quiet for 1.5 s.
    """
    unicast = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unicast.bind(("127.0.0.1", 0))
    multicast = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    multicast.bind(("127.0.0.1", 0))
    multicast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    multicast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    for skt in (unicast, multicast):
        skt.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        skt.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(unicast, selectors.EVENT_READ)
    selector.register(multicast, selectors.EVENT_READ)
    result = FloodResult()

    def drain() -> None:
        for key, _ in selector.select(timeout=0):
            receiver: socket.socket = key.fileobj  # type: ignore[assignment]
            while True:
                try:
                    data = receiver.recv(65535)
                except BlockingIOError:
                    break
                result.bytesIn += len(data)
                message = parse(data)
                result.answers["valid response" if isinstance(message, SearchResponse) else "other"] += 1

    for number in range(count):
        if time.monotonic() > deadline:
            break
        roll = rng.random()
        if roll < 0.05:
            kind, data, skt, target = "valid unicast", searchDatagram("upnp:rootdevice", None, f"127.0.0.1:{ssdpPort}"), unicast, "127.0.0.1"
            result.validOut += len(data)
        elif roll < 0.10:
            kind, data, skt, target = "valid multicast ssdp:all", searchDatagram("ssdp:all", 1, f"{SSDP_ADDR}:1900"), multicast, SSDP_ADDR
            result.validOut += len(data)
        else:
            kind, data = malformed(rng, f"{SSDP_ADDR}:1900")
            skt, target = (multicast, SSDP_ADDR) if rng.random() < 0.5 else (unicast, "127.0.0.1")
        for _ in range(100):
            try:
                skt.sendto(data, (target, ssdpPort))
                break
            except BlockingIOError:
                time.sleep(0.001)
        result.kinds[kind] += 1
        result.bytesOut += len(data)
        if number % 100 == 0:
            drain()
            # Pace a little, as a noisy LAN would, so that the kernel does
            # not simply drop most of it at the daemon's socket.
            time.sleep(0.002)
    quietSince = time.monotonic()
    seen = sum(result.answers.values())
    while time.monotonic() - quietSince < 1.5 and time.monotonic() < deadline:
        selector.select(timeout=0.1)
        drain()
        if sum(result.answers.values()) != seen:
            seen = sum(result.answers.values())
            quietSince = time.monotonic()
    unicast.close()
    multicast.close()
    return result
