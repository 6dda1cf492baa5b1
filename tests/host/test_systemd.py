# -*- test-case-name: tests.host.test_systemd -*-
"""
Tests for L{coherence_lite.host.systemd} (the notify protocol, over a real
C{AF_UNIX} datagram socket made by each test) and for the unit file
C{contrib/coherence-lite.service}.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.host.systemd import CHECK_INTERVAL, Notify, SystemdNotifier, notifyAddress
from tests.support.prerequisites import missing

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "contrib" / "coherence-lite.service"


class NotifySocket:
    """
    A datagram socket standing in for systemd's: bound to a path, or to an
    abstract name.
    """

    def __init__(self, testCase: SynchronousTestCase, abstract: bool = False) -> None:
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        testCase.addCleanup(self.socket.close)
        if abstract:
            name = f"cl-test-notify-{os.getpid()}-{id(self)}"
            self.socket.bind("\0" + name)
            self.variable = "@" + name
        else:
            # A short folder: socket paths are limited to 107 bytes.
            folder = tempfile.mkdtemp(prefix="cl-notify-")
            testCase.addCleanup(shutil.rmtree, folder, True)
            path = Path(folder, "notify")
            self.socket.bind(str(path))
            self.variable = str(path)
        self.socket.setblocking(False)

    def messages(self) -> list[str]:
        """
        Every message received so far.
        """
        received = []
        while True:
            try:
                received.append(self.socket.recv(4096).decode("utf-8"))
            except BlockingIOError:
                return received


class NotifyAddressTests(SynchronousTestCase):
    """
    L{notifyAddress}.
    """

    def test_pathAbstractAndNothing(self) -> None:
        """
        A path is used as it is, C{@name} becomes an abstract address, and a
        missing or relative value means no notification.
        """
        self.assertEqual(notifyAddress({"NOTIFY_SOCKET": "/run/systemd/notify"}), "/run/systemd/notify")
        self.assertEqual(notifyAddress({"NOTIFY_SOCKET": "@abc"}), "\0abc")
        self.assertIsNone(notifyAddress({}))
        self.assertIsNone(notifyAddress({"NOTIFY_SOCKET": "relative"}))
        self.assertIsNone(notifyAddress({"NOTIFY_SOCKET": "@"}))


class SystemdNotifierTests(SynchronousTestCase):
    """
    L{SystemdNotifier} sending to a real socket.
    """

    def notifier(self, target: NotifySocket, announced: list[bool], links: bool = True) -> tuple[SystemdNotifier, Clock]:
        """
        A notifier for C{target} from the environment; C{announced[0]} says
        whether the first alive is out.
        """
        clock = Clock()
        notifier = SystemdNotifier.fromEnvironment(
            lambda: announced[0], lambda: links, lambda: "Hosting 1 device on 1 link", clock,
            environ={"NOTIFY_SOCKET": target.variable},
        )
        return notifier, clock

    def test_readyOnlyOnceTheFirstAliveIsOut(self) -> None:
        """
        READY=1 (with a STATUS) is sent once the first alive is out, not
        before, and once only.
        """
        target = NotifySocket(self)
        announced = [False]
        notifier, clock = self.notifier(target, announced)
        notifier.startService()
        clock.advance(CHECK_INTERVAL * 3)
        self.assertEqual(target.messages(), [])
        announced[0] = True
        clock.advance(CHECK_INTERVAL)
        self.assertEqual(target.messages(), ["READY=1\nSTATUS=Hosting 1 device on 1 link"])
        clock.advance(CHECK_INTERVAL * 10)
        self.assertEqual(target.messages(), [])
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_abstractSocketAndStopping(self) -> None:
        """
        An abstract C{@name} socket gets the messages too, and stopping
        sends STOPPING=1.
        """
        target = NotifySocket(self, abstract=True)
        notifier, clock = self.notifier(target, [True])
        notifier.startService()
        notifier.stopService()
        messages = target.messages()
        self.assertEqual(messages[0].splitlines()[0], "READY=1")
        self.assertEqual(messages[1].splitlines()[0], "STOPPING=1")

    def test_readyAtOnceWithoutLinks(self) -> None:
        """
        With no usable interface, READY=1 goes at once, saying it waits.
        """
        target = NotifySocket(self)
        notifier, clock = self.notifier(target, [False], links=False)
        notifier.startService()
        self.assertEqual(target.messages(), ["READY=1\nSTATUS=Waiting for a usable network interface"])

    def test_reloadingThenReady(self) -> None:
        """
        A reload sends RELOADING=1 with MONOTONIC_USEC, then READY=1.
        """
        target = NotifySocket(self)
        clock = Clock()
        notifier = SystemdNotifier(
            Notify(target.variable), lambda: True, lambda: True, lambda: "ok", clock, monotonic=lambda: 12.5
        )
        notifier.reloading()
        notifier.reloaded()
        self.assertEqual(
            target.messages(),
            ["RELOADING=1\nMONOTONIC_USEC=12500000\nSTATUS=Reloading the device files", "READY=1\nSTATUS=ok"],
        )

    def test_withoutNotifySocketNothingIsSent(self) -> None:
        """
        Without NOTIFY_SOCKET the notifier sends nothing and schedules
        nothing.
        """
        clock = Clock()
        notifier = SystemdNotifier.fromEnvironment(lambda: True, lambda: True, lambda: "ok", clock, environ={})
        notifier.startService()
        notifier.reloading()
        notifier.stopService()
        self.assertIsNone(notifier.notify)
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_unreachableSocketIsLoggedOnceNeverRaised(self) -> None:
        """
        A socket path nobody listens on makes the sends fail quietly.
        """
        notify = Notify(str(Path(self.mktemp()).absolute()))
        self.assertFalse(notify.send("READY=1"))
        self.assertFalse(notify.send("STOPPING=1"))


class UnitFileTests(SynchronousTestCase):
    """
    C{contrib/coherence-lite.service}.
    """

    def test_unitIsHardenedAndNotifies(self) -> None:
        """
        The unit is Type=notify, reloads with SIGHUP, and carries the
        hardening settings docs/operations.md promises.
        """
        text = UNIT.read_text()
        for line in (
            "Type=notify",
            "ExecReload=kill -HUP $MAINPID",
            "DynamicUser=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "NoNewPrivileges=yes",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
            "StateDirectory=coherence-lite",
        ):
            self.assertIn(line + "\n", text)

    def test_systemdAnalyzeVerifiesTheUnit(self) -> None:
        """
        C{systemd-analyze verify} accepts the unit, with ExecStart pointing
        at this environment's twistd (the unit names the path docs/operations.md
        installs to).
        """
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            missing("systemd-analyze is missing (Debian package systemd)")
        twistd = Path(sys.executable).parent / "twistd"
        folder = Path(self.mktemp()).absolute()
        folder.mkdir(parents=True)
        unit = folder / "coherence-lite.service"
        unit.write_text(UNIT.read_text().replace("/opt/coherence-lite/bin/twistd", str(twistd)))
        result = subprocess.run(
            [analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
        )
        problems = [line for line in result.stderr.splitlines() if "coherence-lite.service" in line]
        self.assertEqual((result.returncode, problems), (0, []), result.stderr)

    def test_exposureIsLow(self) -> None:
        """
        C{systemd-analyze security} rates the unit's exposure at 2.0 or
        below (on its scale to 10: "OK").
        """
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            missing("systemd-analyze is missing (Debian package systemd)")
        folder = Path(self.mktemp()).absolute()
        folder.mkdir(parents=True)
        unit = folder / "coherence-lite.service"
        unit.write_text(UNIT.read_text().replace("/opt/coherence-lite/bin/twistd", str(Path(sys.executable).parent / "twistd")))
        result = subprocess.run(
            [analyze, "security", "--offline=true", "--threshold=20", "--no-pager", str(unit)],
            capture_output=True, text=True, timeout=60, cwd=folder,
        )
        self.assertEqual(result.returncode, 0, result.stdout[-400:] + result.stderr)
