"""
How late a healthy subscriber gets a change while 130 subscriptions hang
(their callback accepts a NOTIFY and never answers), on loopback, with the
real reactor and clock: once with every hanging subscription on one callback
host, once with 130 hanging hosts; the baseline is the same change with no
hanging subscriber, measured in the same run.  Goal: a hanging subscriber
never delays the others (ratio within 20 ms of the baseline's).

Each measurement runs in a child process (C{python bench/hanging.py
<hosts>}) that prints the delay in milliseconds and exits; it gives up
after 40 s (more than the 30 s delivery timeout).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Figure, median, pythonEnvironment, write

HANGING = 130
GIVE_UP = 40.0


def _child(hosts: int) -> None:
    """
    Measure one delay with C{hosts} hanging callback hosts (0: none) and
    print it in milliseconds.
    """
    import time
    from ipaddress import ip_address

    from twisted.internet import reactor
    from twisted.internet.protocol import Factory, Protocol
    from twisted.web.server import Site

    from coherence_lite.eventing.agent import deliveryAgent
    from coherence_lite.eventing.callbacks import Destination
    from coherence_lite.eventing.limits import EventingLimits
    from coherence_lite.eventing.message import CallbackURL
    from coherence_lite.eventing.publisher import HostEventing
    from coherence_lite.stats import Stats
    from tests.support.eventing import FakeState, switchPower
    from tests.support.eventing_http import Recorder

    factory = Factory.forProtocol(Protocol)
    factory.noisy = False
    state = FakeState({"Status": False, "Level": 0, "Name": ""})
    limits = EventingLimits(initialEventDelay=0, maxPerClient=HANGING + 10, maxTotal=HANGING + 10)
    host = HostEventing(deliveryAgent(reactor), reactor, limits, Stats())
    eventing = host.add("uuid:2f0c4a4e-0000-4000-8000-00000000beef", switchPower(), state)
    host.startService()

    def subscribe(url: CallbackURL) -> None:
        subscription = eventing.subscribe(str(url.address), (Destination(url),), 1800)
        eventing.answered(subscription.sid)  # type: ignore[union-attr]

    recorder = Recorder()
    port = reactor.listenTCP(0, Site(recorder), interface="127.0.0.1")  # type: ignore[attr-defined]
    subscribe(CallbackURL(ip_address("127.0.0.1"), port.getHost().port, "/ok"))
    result: list[float] = []

    def hang() -> None:
        addresses = [f"127.0.1.{i % 250 + 1}" for i in range(hosts)] if hosts > 1 else ["127.0.0.2"] * HANGING
        listening: dict[str, int] = {}
        for address in (addresses if hosts else []):
            if address not in listening:
                listening[address] = reactor.listenTCP(0, factory, interface=address).getHost().port  # type: ignore[attr-defined]
            subscribe(CallbackURL(ip_address(address), listening[address], "/hang"))
        reactor.callLater(0.5, change)  # type: ignore[attr-defined]

    def change() -> None:
        started = time.monotonic()
        state.change(Level=1)
        recorder.waitFor(2).addCallback(lambda _: result.append(time.monotonic() - started)).addBoth(
            lambda _: reactor.stop()  # type: ignore[attr-defined]
        )

    recorder.waitFor(1).addCallback(lambda _: hang())
    reactor.callLater(GIVE_UP, reactor.stop)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
    print(f"{result[0] * 1000:.1f}" if result else "none")


def _measure(hosts: int) -> float:
    """
    One delay in milliseconds, from a child process; GIVE_UP when none came.
    """
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), str(hosts)],
        capture_output=True, text=True, cwd=ROOT, env=pythonEnvironment(), timeout=GIVE_UP + 20, check=False,
    )
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "none"
    return GIVE_UP * 1000 if line == "none" else float(line)


def run(repetitions: int, quick: bool) -> list[Figure]:
    """
    The healthy subscriber's delay with 130 hanging subscriptions on one
    callback host and on 130 hosts, against no hanging subscriber.
    """
    times = 1 if quick else max(1, min(repetitions, 3))
    baseline = median([_measure(0) for _ in range(times)])
    figures = []
    for label, hosts in (("one hanging host", 1), (f"{HANGING} hanging hosts", HANGING)):
        value = median([_measure(hosts) for _ in range(times)])
        write(f"hanging: {label}: {value:.1f} ms (baseline {baseline:.1f} ms)")
        figures.append(
            Figure(f"change to a healthy subscriber, {HANGING} hanging subscriptions on {label}", "ms", value, baseline,
                   "within 20 ms of the baseline", value <= baseline + 20)
        )
    return figures


if __name__ == "__main__":
    _child(int(sys.argv[1]))
