"""
The MediaServer benchmark: coherence-lite (C{twistd upnp-device --media
DIR}) against Debian's minidlna on the same generated library, in the same
run, on 127.0.0.1: start -> first SSDP answer; start -> whole library
browsable; CPU to index; RSS after indexing; Browse p50/p99 of a
1,000-child folder at 100 per page; the whole-tree walk; one large file
over 1 and 8 connections; server CPU per GB streamed.  Ratios are against
minidlna.  Then the cost of thumbnails: start -> every thumbnail made
(the daemon's "Media thumbnails done" line) and the CPU by then, against
the same daemon's index with C{--no-media-thumbnails}, in the same run.

    python -m bench.media [--files N] [--quick] [--keep-library]

minidlna runs in the foreground (C{minidlnad -S}) with its own database
folder, C{network_interface=lo} (its SSDP goes out through 127.0.0.1 only,
as its log confirms: "Enabling interface 127.0.0.1/255.0.0.0") and no
inotify; without it the figures are printed without a baseline.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

from bench.common import Figure, Server, cpuSecondsOf, daemonCommand, median, write
from bench.mediakit import BIG_FOLDER, ContentDirectoryClient, Library, buildLibrary, firstSearchAnswer

__all__ = ["run", "main"]

#: Seconds a server may take to index the library.
INDEX_DEADLINE = 600.0

_TICK = os.sysconf("SC_CLK_TCK")


def _freePort() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu(pid: int) -> float:
    """
    CPU seconds of a process's threads and of its reaped children
    (minidlna scans in a child process).
    """
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return cpuSecondsOf(pid) + (int(fields[13]) + int(fields[14])) / _TICK


class Measured:
    """
    One server under measurement: how to start it, where it answers.
    """

    def __init__(self, name: str, start: Callable[[], Server], port: int, descriptionPath: str, walkRoot: str) -> None:
        self.name = name
        self.start = start
        self.port = port
        self.description = f"http://127.0.0.1:{port}{descriptionPath}"
        self.walkRoot = walkRoot
        self.figures: dict[str, float] = {}


def minidlna(library: Library, work: Path) -> Measured | None:
    """
    minidlna on the library, or L{None} where it is not installed.
    """
    binary = shutil.which("minidlnad") or ("/usr/sbin/minidlnad" if os.path.exists("/usr/sbin/minidlnad") else None)
    if binary is None:
        write("  minidlna: not installed (apt-get install minidlna): no baseline")
        return None
    port = _freePort()
    folder = work / "minidlna"

    def start() -> Server:
        if folder.exists():
            shutil.rmtree(folder)
        (folder / "db").mkdir(parents=True)
        conf = folder / "minidlna.conf"
        conf.write_text(
            f"media_dir={library.root}\ndb_dir={folder / 'db'}\nlog_dir={folder}\nport={port}\n"
            "network_interface=lo\ninotify=no\nfriendly_name=bench minidlna\nnotify_interval=900\n"
            "log_level=general,artwork,database,inotify,scanner,metadata,http,ssdp,tivo=warn\n"
        )
        return Server([binary, "-S", "-f", str(conf), "-P", str(folder / "pid")], markers=["127.0.0.1"])

    return Measured("minidlna", start, port, "/rootDesc.xml", "64")


#: What the daemon logs once every thumbnail of the first scan is made.
THUMBNAILS_DONE = "Media thumbnails done"


def coherenceLite(library: Library, work: Path, thumbnails: bool = True) -> Measured:
    """
    The daemon serving the library.

    @param thumbnails: C{False} runs it with C{--no-media-thumbnails}.
    """
    port = _freePort()
    state = work / "coherence-lite"

    def start() -> Server:
        if state.exists():
            shutil.rmtree(state)
        state.mkdir(parents=True)
        command = daemonCommand("--interface", "127.0.0.1", "--http-port", str(port), "--media", str(library.root),
                                "--state-dir", str(state), *(() if thumbnails else ("--no-media-thumbnails",)))
        return Server(command, markers=[THUMBNAILS_DONE])

    # The walk covers the folder tree, as minidlna's "64" does: the media
    # folder's container is the first object stored after the root (the
    # state is new each start), beside which the root lists the views.
    return Measured("coherence-lite" if thumbnails else "coherence-lite, thumbnails off", start, port, "", "1")


def indexFigures(measured: Measured, server: Server, library: Library) -> ContentDirectoryClient:
    """
    First SSDP answer, library browsable, CPU and RSS after indexing.
    """
    deadline = server.started + INDEX_DEADLINE
    answered = firstSearchAnswer(measured.port, server.started + 30)
    if answered is not None:
        measured.figures["ssdp"] = (answered - server.started) * 1000
    client: ContentDirectoryClient | None = None
    while client is None:
        try:
            description = measured.description
            if not measured.description.endswith(".xml"):
                description = _descriptionFromSearch(measured.port)
            client = ContentDirectoryClient(description)
        except (OSError, RuntimeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    count, changed = -1, time.monotonic()
    while time.monotonic() < deadline:
        try:
            now = client.countItems()
        except RuntimeError:
            # minidlna faults (708) while its scanner holds the database.
            now = count
        if now != count:
            count, changed = now, time.monotonic()
        if count >= library.files or (count > 0 and time.monotonic() - changed > 5):
            break
        time.sleep(0.1)
    measured.figures["browsable"] = changed - server.started
    measured.figures["indexed"] = count
    measured.figures["cpu"] = _cpu(server.pid)
    measured.figures["rss"] = server.rssKiB() / 1024
    ssdp = measured.figures.get("ssdp")
    write(f"  {measured.name}: first SSDP answer after {'none' if ssdp is None else f'{ssdp:.0f} ms'}")
    write(f"  {measured.name}: {count} items browsable after {changed - server.started:.1f} s, "
          f"CPU {measured.figures['cpu']:.1f} s, RSS {measured.figures['rss']:.1f} MB")
    return client


def _descriptionFromSearch(port: int) -> str:
    from bench.mediakit import locationOf

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    probe.settimeout(1)
    probe.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    try:
        for _ in range(20):
            probe.sendto(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
                         b"ST: urn:schemas-upnp-org:device:MediaServer:1\r\n\r\n", ("239.255.255.250", 1900))
            try:
                location = locationOf(probe.recv(4096))
            except socket.timeout:
                continue
            if location and f":{port}/" in location:
                return location
    finally:
        probe.close()
    raise RuntimeError("no SSDP answer with the description")


def thumbnailFigures(measured: Measured, server: Server) -> None:
    """
    Start -> every thumbnail made (the daemon's log line), and the CPU
    used by then.
    """
    server.waitFor(THUMBNAILS_DONE, INDEX_DEADLINE)
    measured.figures["thumbnails"] = server.markedAt[THUMBNAILS_DONE] - server.started
    measured.figures["thumbnailsCpu"] = _cpu(server.pid)
    write(f"  {measured.name}: {server.waitFor(THUMBNAILS_DONE).split('Media ', 1)[1]} "
          f"({measured.figures['thumbnails']:.1f} s after start), CPU {measured.figures['thumbnailsCpu']:.1f} s")
    for line in [line for line in server.lines if "No thumbnail for" in line][:3]:
        write(f"    {line}")


def browseFigures(measured: Measured, client: ContentDirectoryClient, rounds: int, pid: int) -> str | None:
    """
    Browse p50/p99 of the 1,000-child folder, the whole-tree walk, and the
    server's CPU for each (process C{pid}): figures a loaded machine
    changes less than the latencies; the large file's URL.
    """
    deadline = time.monotonic() + 600
    big = client.findContainer(measured.walkRoot, BIG_FOLDER, deadline)
    if big is not None:
        before = _cpu(pid)
        latencies = []
        for _ in range(rounds):
            for start in range(0, 1000, 100):
                began = time.perf_counter()
                client.browse(big, start, 100)
                latencies.append((time.perf_counter() - began) * 1000)
        measured.figures["browseCpu"] = (_cpu(pid) - before) / len(latencies) * 1000
        latencies.sort()
        measured.figures["p50"] = latencies[len(latencies) // 2]
        measured.figures["p99"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    began = time.monotonic()
    before = _cpu(pid)
    items = client.walk(measured.walkRoot, deadline)
    measured.figures["walk"] = time.monotonic() - began
    measured.figures["walkCpu"] = (_cpu(pid) - before) * 1000
    measured.figures["walked"] = len(items)
    largest = max((item for item in items if item.size), key=lambda item: item.size or 0, default=None)
    write(f"  {measured.name}: Browse p50 {measured.figures.get('p50', 0):.1f} ms p99 {measured.figures.get('p99', 0):.1f} ms, "
          f"walk {len(items)} items in {measured.figures['walk']:.1f} s; server CPU {measured.figures.get('browseCpu', 0):.2f} ms "
          f"per page, {measured.figures['walkCpu']:.0f} ms for the walk")
    return largest.url if largest else None


def streamFigures(measured: Measured, server: Server, url: str, size: int, repetitions: int) -> None:
    """
    MB/s over 1 and 8 connections (curl, output discarded) and server CPU
    per GB streamed.
    """
    cpu = 0.0
    sent = 0
    for connections in (1, 8):
        rates = []
        for _ in range(repetitions):
            before = _cpu(server.pid)
            began = time.monotonic()
            clients = [subprocess.Popen(["curl", "-sf", "-o", "/dev/null", url]) for _ in range(connections)]
            codes = [client.wait(timeout=300) for client in clients]
            elapsed = time.monotonic() - began
            if any(codes):
                raise RuntimeError(f"curl failed on {url}: {codes}")
            cpu += _cpu(server.pid) - before
            sent += connections * size
            rates.append(connections * size / elapsed / 1e6)
        measured.figures[f"stream{connections}"] = median(rates)
    measured.figures["cpuPerGB"] = cpu / (sent / 1e9) * 1000
    write(f"  {measured.name}: 1 connection {measured.figures['stream1']:.0f} MB/s, 8: {measured.figures['stream8']:.0f} MB/s, "
          f"CPU {measured.figures['cpuPerGB']:.0f} ms/GB")


def measure(measured: Measured, library: Library, repetitions: int, quick: bool) -> None:
    """
    Every figure of one server.
    """
    server = measured.start()
    try:
        client = indexFigures(measured, server, library)
        if measured.name == "coherence-lite":
            client.close()  # the next request opens a new connection: this one would idle out
            thumbnailFigures(measured, server)
        url = browseFigures(measured, client, 3 if quick else 20, server.pid)
        client.close()
        if url:
            streamFigures(measured, server, url, library.large.stat().st_size, repetitions)
    finally:
        server.stop()


#: Each figure: key, name, unit, goal text, passes(ours, theirs).
_FIGURES: list[tuple[str, str, str, str, Callable[[float, float | None], bool]]] = [
    ("ssdp", "start -> first SSDP answer", "ms", "<= 1000 ms", lambda ours, _: ours <= 1000),
    ("browsable", "start -> whole library browsable", "s", "ratio <= 1.0", lambda o, t: t is not None and o <= t),
    ("cpu", "CPU to index", "s", "ratio <= 1.0", lambda o, t: t is not None and o <= t),
    ("rss", "RSS after indexing", "MB", "ratio <= 1.25", lambda o, t: t is not None and o <= 1.25 * t),
    ("p50", "Browse 1,000-child folder, 100/page, p50", "ms", "(p99 is the goal)", lambda o, t: True),
    ("p99", "Browse 1,000-child folder, 100/page, p99", "ms", "ratio <= 1.5", lambda o, t: t is not None and o <= 1.5 * t),
    ("walk", "whole-tree walk, 100/page", "s", "ratio <= 1.5", lambda o, t: t is not None and o <= 1.5 * t),
    ("browseCpu", "server CPU per Browse page", "ms", "(load-independent view)", lambda o, t: True),
    ("walkCpu", "server CPU for the walk", "ms", "(load-independent view)", lambda o, t: True),
    ("stream1", "large file, 1 connection", "MB/s", "ratio >= 0.6", lambda o, t: t is not None and o >= 0.6 * t),
    ("stream8", "large file, 8 connections", "MB/s", "ratio >= 0.7", lambda o, t: t is not None and o >= 0.7 * t),
    ("cpuPerGB", "server CPU per GB streamed", "ms", "ratio <= 2.5", lambda o, t: t is not None and o <= 2.5 * t),
]


def indexOnly(measured: Measured, library: Library) -> None:
    """
    The index figures of one server (no Browse or streaming figures).
    """
    server = measured.start()
    try:
        indexFigures(measured, server, library).close()
    finally:
        server.stop()


def thumbnailRows(on: Measured, off: Measured) -> list[str]:
    """
    The cost of thumbnails on indexing: the daemon as shipped against the
    same daemon with C{--no-media-thumbnails}, in the same run (Markdown
    rows).
    """
    rows = ["| figure | thumbnails on (default) | thumbnails off | ratio |", "| --- | --- | --- | --- |"]
    for name, key, offKey, unit in (
        ("start -> whole library browsable", "browsable", "browsable", "s"),
        ("CPU to index (at browsable)", "cpu", "cpu", "s"),
        ("start -> every thumbnail made / browsable", "thumbnails", "browsable", "s"),
        ("CPU to index and make every thumbnail", "thumbnailsCpu", "cpu", "s"),
        ("RSS after indexing", "rss", "rss", "MB"),
    ):
        if key in on.figures and offKey in off.figures:
            value, baseline = on.figures[key], off.figures[offKey]
            ratio = f"{value / baseline:.2f}" if baseline else ""
            rows.append(f"| {name} | {value:,.1f} {unit} | {baseline:,.1f} {unit} | {ratio} |")
    return rows


def run(repetitions: int, quick: bool, files: int | None = None, keep: bool = False) -> list[Figure]:
    """
    Build the library, measure minidlna and coherence-lite, then
    coherence-lite's index without thumbnails; write the cost of
    thumbnails; return the figures (coherence-lite against minidlna).
    """
    files = files if files is not None else (1500 if quick else 10_000)
    work = Path(tempfile.gettempdir()) / f"cl-bench-media-{files}"
    marker = work / "library-built"
    library = Library(work / "library", files, work / "library" / "large" / "large.mkv")
    if not (keep and marker.exists()):
        began = time.monotonic()
        library = buildLibrary(work / "library", files, largeSeconds=10 if quick else 70)
        marker.write_text(str(library.files))
        write(f"  library: {library.files} files, large file {library.large.stat().st_size / 1e6:.0f} MB, "
              f"built in {time.monotonic() - began:.1f} s")
    baseline = minidlna(library, work)
    ours = coherenceLite(library, work)
    for measured in (baseline, ours):
        if measured is not None:
            measure(measured, library, repetitions, quick)
    withoutThumbnails = coherenceLite(library, work, thumbnails=False)
    indexOnly(withoutThumbnails, library)
    for line in thumbnailRows(ours, withoutThumbnails):
        write(line)
    figures = []
    for key, name, unit, goal, passes in _FIGURES:
        if key not in ours.figures:
            continue
        theirs = baseline.figures.get(key) if baseline else None
        value = ours.figures[key]
        figures.append(Figure(name, unit, value, theirs, goal, passes(value, theirs), [(value, theirs)]))
    return figures


def main(argv: Sequence[str] = ()) -> int:
    """
    C{python -m bench.media [--files N] [--quick] [--keep-library] [--repeat N]}.
    """
    arguments = list(argv)
    files = int(arguments[arguments.index("--files") + 1]) if "--files" in arguments else None
    repetitions = int(arguments[arguments.index("--repeat") + 1]) if "--repeat" in arguments else 3
    figures = run(repetitions, "--quick" in arguments, files, "--keep-library" in arguments)
    write("| figure | coherence-lite | minidlna (same run) | ratio | goal | verdict |")
    write("| --- | --- | --- | --- | --- | --- |")
    for figure in figures:
        write(figure.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
