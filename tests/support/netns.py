"""
Small real networks in Linux network namespaces, for integration tests.

A L{Topology} is a device namespace joined by veth pairs to client
namespaces, each pair its own IPv4 /24 and IPv6 /64 subnet (or, as on most
home LANs, IPv4 and link-local IPv6 only).  Nothing is created in the host
namespace but the namespaces themselves; the veth ends are created inside
the device namespace and moved.  Names are C{cl-} + the process id + a
random part (L{uniqueName}), so two runs never share one; a namespace is
only ever deleted, and its processes ended, by the L{Topology} that
created it (L{Topology.destroy}); a name that exists already is an error,
never a namespace to clean up.  Each namespace has C{lo} up, and the veth
ends skip duplicate address detection unless asked (C{dad=True}): no
address is still tentative when a test starts.

Needs root and iproute2: L{unavailable} says why a test must skip.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).resolve().parents[1] / "system" / "ssdp_probe.py"


def uniqueName(label: str) -> str:
    """
    A namespace name no other run uses: C{cl-<pid>-<random>-<label>}.
    """
    return f"cl-{os.getpid() % 100000}-{secrets.token_hex(3)}-{label}"


def unavailable() -> str | None:
    """
    Why namespaces cannot be used here, or L{None} when they can.
    """
    if sys.platform != "linux":
        return "network namespaces need Linux"
    if os.geteuid() != 0:
        return "building network namespaces needs root"
    if shutil.which("ip") is None:
        return "iproute2's 'ip' command is not installed"
    name = uniqueName("probe")
    result = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if result.returncode != 0:
        return f"'ip netns add' failed: {result.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


def run(*command: str, check: bool = True, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """
    Run a command, raising with its output when it fails.
    """
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return result


@dataclass
class Client:
    """
    A client namespace on its own link to the device.
    """

    namespace: str
    interface: str
    deviceInterface: str
    subnet: int

    @property
    def address(self) -> str:
        return f"10.81.{self.subnet}.2"

    @property
    def deviceAddress(self) -> str:
        return f"10.81.{self.subnet}.1"

    @property
    def address6(self) -> str:
        return f"fd81:{self.subnet}::2"

    @property
    def deviceAddress6(self) -> str:
        return f"fd81:{self.subnet}::1"


@dataclass
class Topology:
    """
    One device namespace with a link to each client namespace.
    """

    prefix: str
    clients: list[Client] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    created: list[str] = field(default_factory=list)

    @property
    def device(self) -> str:
        return f"{self.prefix}-dev"

    def addNamespace(self, name: str) -> None:
        """
        Create a namespace with C{lo} up; it is this topology's to delete.

        @raise RuntimeError: it exists already (it is left alone).
        """
        run("ip", "netns", "add", name)
        self.created.append(name)
        run("ip", "-n", name, "link", "set", "lo", "up")

    @classmethod
    def build(cls, clientCount: int = 2, globalIPv6: bool = True, dad: bool = False) -> "Topology":
        """
        Create the namespaces, links and addresses.

        @param globalIPv6: give each veth end a unique-local IPv6 address
            (C{fd81:N::1} and C{::2}); without, IPv6 is link-local only.
        @param dad: let the veth ends' IPv6 addresses go through duplicate
            address detection (tentative for a second or more after the
            link comes up) as a real interface's do.
        """
        topology = cls(prefix=uniqueName("t"))
        try:
            topology.addNamespace(topology.device)
            for number in range(1, clientCount + 1):
                client = Client(f"{topology.prefix}-c{number}", f"c{number}", f"d{number}", number)
                topology.clients.append(client)
                topology.addNamespace(client.namespace)
                run("ip", "-n", topology.device, "link", "add", client.deviceInterface, "type", "veth",
                    "peer", "name", client.interface)
                run("ip", "-n", topology.device, "link", "set", client.interface, "netns", client.namespace)
                topology.execIn(topology.device, "sysctl", "-qw",
                                f"net.ipv4.conf.{client.deviceInterface}.promote_secondaries=1")
                for namespace, interface, v4, v6 in (
                    (topology.device, client.deviceInterface, client.deviceAddress, client.deviceAddress6),
                    (client.namespace, client.interface, client.address, client.address6),
                ):
                    if not dad:
                        topology.execIn(namespace, "sysctl", "-qw", f"net.ipv6.conf.{interface}.accept_dad=0")
                    run("ip", "-n", namespace, "addr", "add", f"{v4}/24", "dev", interface)
                    if globalIPv6:
                        run("ip", "-n", namespace, "addr", "add", f"{v6}/64", "dev", interface, "nodad")
                    run("ip", "-n", namespace, "link", "set", interface, "up")
                # Clients send searches to the group without naming an interface.
                run("ip", "-n", client.namespace, "route", "add", "224.0.0.0/4", "dev", client.interface)
        except BaseException:
            topology.destroy()
            raise
        return topology

    def linkLocal(self, namespace: str, interface: str) -> str:
        """
        The link-local IPv6 address of an interface in a namespace.
        """
        shown = json.loads(run("ip", "-n", namespace, "-j", "-6", "addr", "show", "dev", interface, "scope", "link").stdout)
        return next(a["local"] for entry in shown for a in entry.get("addr_info", ()))

    def execIn(self, namespace: str, *command: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        """
        Run a command in a namespace and wait for it, at most C{timeout}
        seconds.
        """
        return run("ip", "netns", "exec", namespace, *command, timeout=timeout)

    def start(self, namespace: str, *command: str) -> subprocess.Popen:
        """
        Start a long-running command in a namespace; it is ended by
        L{destroy}.
        """
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        process = subprocess.Popen(
            ["ip", "netns", "exec", namespace, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
            cwd=ROOT,
        )
        self.processes.append(process)
        return process

    def startDaemon(self, *options: str, stateDirectory: str) -> "OutputReader":
        """
        Start C{twistd -n upnp-device} in the device namespace with its
        defaults (every interface there, SSDP port 1900) plus C{options}, and
        wait until it hosts.

        @return: the reader of its log.
        """
        process = self.start(
            self.device,
            sys.executable, "-c", "import sys; from twisted.scripts.twistd import run; sys.exit(run())",
            "-n", "--pidfile=", "--logfile=-", "upnp-device", "--state-dir", stateDirectory, *options,
        )
        output = OutputReader(process)
        output.waitFor("Hosting")
        return output

    def probe(self, client: Client, *arguments: str, timeout: float = 30) -> object:
        """
        Run C{ssdp_probe.py} in a client namespace; return its JSON output.
        """
        result = run("ip", "netns", "exec", client.namespace, sys.executable, str(PROBE), *arguments,
                     timeout=timeout)
        return json.loads(result.stdout)

    def startProbe(self, client: Client, *arguments: str) -> "OutputReader":
        """
        Start C{ssdp_probe.py} in a client namespace without waiting for its
        result; a C{listen} probe has joined the group when this returns.
        """
        reader = OutputReader(self.start(client.namespace, sys.executable, str(PROBE), *arguments))
        if arguments and arguments[0] == "listen":
            reader.waitFor('"ready"')
        return reader

    def destroy(self) -> None:
        """
        End every process this topology started and delete its namespaces.
        """
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for namespace in reversed(self.created):
            for pid in run("ip", "netns", "pids", namespace, check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run("ip", "netns", "del", namespace, check=False)
        self.created.clear()


class OutputReader:
    """
    Reads a process's output lines in a thread, so its pipe never fills,
    and lets a test wait for a line.
    """

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: list[str] = []
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._condition:
                self.lines.append(line)
                self._condition.notify_all()

    def join(self, timeout: float) -> None:
        """
        Wait until the whole output is read (the process closed it).
        """
        self._thread.join(timeout)

    def waitFor(self, marker: str, timeout: float = 20.0, after: int = 0) -> str:
        """
        Wait for a line containing C{marker} (among lines from index
        C{after} on) and return it.

        @raise RuntimeError: it did not come within C{timeout} seconds.
        """
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for line in self.lines[after:]:
                    if marker in line:
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"no {marker!r} within {timeout} s; output:\n{''.join(self.lines)}")
                self._condition.wait(remaining)


def readJSON(reader: OutputReader, timeout: float = 30) -> object:
    """
    Wait for a probe started with L{Topology.startProbe} to end and parse
    its last line.
    """
    reader.process.wait(timeout=timeout)
    reader.join(timeout)
    return json.loads(reader.lines[-1])
