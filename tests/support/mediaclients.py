"""
What the real media clients saw of a MediaServer serving the library of
L{tests.media.library}, checked: the same checks for the daemon on loopback
(C{tests/system/test_media.py}, C{test_media_streaming.py}) and in network
namespaces (C{tests/system/test_media_namespaces.py}).  The clients run as
subprocesses, directly or under a command C{prefix} (C{ip netns exec NS}).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Awaitable, Callable, Sequence

from twisted.internet import reactor
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.conformance.findings import PASS, RULES

from tests.media.library import EXPECTED, makeMedia
from tests.support.netns import ROOT
from tests.support.prerequisites import missing

__all__ = [
    "AUDIO_SUFFIXES", "checkDIDLParsed", "checkFindings", "checkLiveUpdate", "checkSearches", "checkWalk", "curl",
    "folderTree", "needGUPnPAV", "rangeForms", "runProbe", "runTool",
]

#: The MediaServer rules of C{coherence-lite check}.
MEDIA_RULES = {rule for rule, each in RULES.items() if each.section == "media"}

#: The suffixes the server lists as audio items.
AUDIO_SUFFIXES = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav")

#: Titles that must never be listed: the prefix sibling's file, the outside
#: symlink's target, C{/etc/passwd} through the C{etc} link, the unreadable
#: file.
_OUTSIDE = ("sibling", "secret", "passwd", "locked")


def needGUPnPAV() -> None:
    """
    Skip (fail under CI) unless the system Python has GUPnP-AV, which
    C{gupnpav_probe.py} needs.
    """
    if not Path("/usr/bin/python3").exists() or subprocess.run(
        ["/usr/bin/python3", "-c", "import gi; gi.require_version('GUPnPAV', '1.0')"], capture_output=True
    ).returncode:
        missing("GUPnP-AV for the system Python is not installed (apt-get install python3-gi gir1.2-gupnpav-1.0)")


async def runTool(prefix: Sequence[str], *command: str) -> tuple[bytes, bytes, int]:
    """
    Run C{command} (under C{prefix}), with this checkout on its
    C{PYTHONPATH}; return its output, errors and exit code.
    """
    full = [*prefix, *command]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    out, err, code = await getProcessOutputAndValue(
        full[0], full[1:], env=environment, reactor=reactor  # type: ignore[arg-type]
    )
    return out, err, code


async def runProbe(test: SynchronousTestCase, prefix: Sequence[str], *command: str, context: Callable[[], str] = str) -> Any:
    """
    Run a probe script (under C{prefix}); assert it exited 0 and return the
    JSON it printed.

    @param context: what to show besides the probe's errors when it failed
        (the daemon's log).
    """
    out, err, code = await runTool(prefix, *command)
    test.assertEqual(code, 0, err.decode(errors="replace") + "\n" + context())
    return json.loads(out)


async def curl(test: SynchronousTestCase, prefix: Sequence[str], url: str, *arguments: str) -> tuple[int, bytes]:
    """
    The status and body curl gets for C{url} (under C{prefix}).
    """
    out, err, code = await runTool(prefix, "curl", "-sS", "-g", "--path-as-is", "-o", "-", "-w", "\n%{http_code}", *arguments, url)
    test.assertEqual(code, 0, err)
    body, _, status = out.rpartition(b"\n")
    return int(status), body


def rangeForms(content: bytes) -> list[tuple[str | None, int, bytes]]:
    """
    Every form of C{Range} (none, a-b, a-, -n, -n beyond the size, an end
    past the size) with the status and bytes a server must answer for
    C{content}.
    """
    size = len(content)
    return [
        (None, 200, content),
        ("0-0", 206, content[:1]),
        ("100-1099", 206, content[100:1100]),
        (f"{size - 10}-", 206, content[-10:]),
        ("-100", 206, content[-100:]),
        (f"-{size * 2}", 206, content),
        (f"5-{size * 10}", 206, content[5:]),
    ]


def folderTree(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """
    The objects a C{dms_probe.py} walk found below the media folders, not
    below the views the root lists after them (each object's C{top} is the
    root's child it was found below).
    """
    folders = {each["id"] for each in objects if each["parent_id"] == "0" and each["class"] == "object.container.storageFolder"}
    return [each for each in objects if each["top"] in folders]


def _seconds(duration: str) -> float:
    hours, minutes, rest = duration.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def checkWalk(test: SynchronousTestCase, found: dict[str, Any], urlPrefix: str) -> dict[str, dict[str, Any]]:
    """
    Check what C{dms_probe.py} walked: every readable file exactly once in
    the folder tree with its title and duration, its first res on
    C{urlPrefix} naming the object id (then a picture's or video's
    thumbnail, once made), every object (views included) with
    an id of its own, nothing outside the folder, child counts matching the
    pages, and Home Assistant's path search resolving
    C{music/Artist/Album/Tagged Song} title by title.

    @return: the folder tree's items, by title (the last one of a title).
    """
    items = [each for each in folderTree(found["objects"]) if each["class"].startswith("object.item")]
    test.assertEqual(
        sorted(each["title"] for each in items), sorted(title for title, _ in EXPECTED.values()),
        "the items are not every readable file exactly once",
    )
    test.assertEqual(len({each["id"] for each in found["objects"]}), len(found["objects"]), "an object listed twice")
    durations = {each["title"]: each["res"][0]["duration"] for each in items}
    for title, seconds in EXPECTED.values():
        if seconds is not None:
            test.assertEqual(round(_seconds(durations[title])), seconds, title)
    for each in items:
        url = each["res"][0]["url"]
        test.assertTrue(url.startswith(urlPrefix) and f"/media/{each['id']}." in url, (url, urlPrefix))
        # A picture's or a video's JPEG_TN thumbnail follows once made (in
        # the background, after the scan); nothing else has a second res.
        pictured = each["class"].startswith(("object.item.imageItem", "object.item.videoItem"))
        thumbnail = [f"{url.rsplit('/', 1)[0]}/{each['id']}.tn.jpg"]
        test.assertIn([res["url"] for res in each["res"][1:]], ([], thumbnail) if pictured else ([],), each)
    titles = {each["title"] for each in found["objects"]}
    for title in _OUTSIDE:
        test.assertNotIn(title, titles, "listed from outside the folder or unreadable")
    containers = {each["id"]: each for each in found["objects"] if each["class"].startswith("object.container")}
    for objectId, total in found["totals"].items():
        if objectId != "0":
            test.assertEqual(int(containers[objectId]["child_count"]), total, containers[objectId])
    byTitle = {each["title"]: each for each in items}
    test.assertEqual(len(found["resolved"]), 4)
    test.assertNotIn(None, found["resolved"], "Home Assistant's path search did not resolve every title")
    test.assertEqual(found["resolved"][-1], byTitle["Tagged Song"]["id"])
    return byTitle


def checkSearches(test: SynchronousTestCase, found: dict[str, Any]) -> None:
    """
    Check the searches and bad requests of C{dms_probe.py}: a class search
    finds every audio file, C{*} counts every object of the folder tree
    (never a view or a reference), the error codes are
    the spec's, and the capabilities and protocolInfo say what is served.
    """
    test.assertEqual(found["audio"], sorted(title for name, (title, _) in EXPECTED.items() if name.endswith(AUDIO_SUFFIXES)))
    test.assertEqual(found["everything"], [2, len(folderTree(found["objects"]))])
    test.assertEqual(
        found["errors"],
        {"browse_missing": 701, "search_bad": 708, "search_caps": 708, "search_missing": 710, "sort_bad": 709},
    )
    test.assertIn("dc:title", found["search_capabilities"])
    test.assertIn("@parentID", found["search_capabilities"])
    test.assertTrue(any(info.startswith("http-get:*:audio/mpeg:") for info in found["protocol_info"]), found["protocol_info"])


def checkFindings(test: SynchronousTestCase, device: dict[str, Any]) -> None:
    """
    Check one device's C{coherence-lite check --json} findings: nothing but
    passes, every MediaServer rule checked (C{media.scpd} on both
    services), paging seen over several pages.
    """
    findings = device["findings"]
    test.assertEqual([f for f in findings if f["level"] != PASS], [])
    media = [f["rule"] for f in findings if f["rule"] in MEDIA_RULES]
    test.assertEqual(set(media), MEDIA_RULES)
    test.assertEqual(media.count("media.scpd"), 2)
    paging = next(f for f in findings if f["rule"] == "media.paging")
    test.assertRegex(paging["seen"], r"^[2-4] pages of [2-9]\d* children")


def checkDIDLParsed(test: SynchronousTestCase, found: dict[str, Any]) -> None:
    """
    Check what C{gupnpav_probe.py} parsed: no error, the same items (those
    without a refID), each with a URI; the views' items refer to them and
    have their titles and URIs.
    """
    test.assertEqual(found["errors"], [])
    tree = {item["id"]: item for item in found["items"] if item["ref_id"] is None}
    test.assertEqual(sorted(item["title"] for item in tree.values()), sorted(title for title, _ in EXPECTED.values()))
    test.assertTrue(all(item["uris"] for item in found["items"]), found["items"])
    references = [item for item in found["items"] if item["ref_id"] is not None]
    test.assertTrue(references, "no view listed a reference")
    for item in references:
        test.assertEqual((item["title"], item["uris"]), (tree[item["ref_id"]]["title"], tree[item["ref_id"]]["uris"]))


async def checkLiveUpdate(
    test: SynchronousTestCase, waitFor: Callable[[str, float], Awaitable[str]], base: Path, music: Path
) -> None:
    """
    With C{dms_events_probe.py} subscribed (C{waitFor} waits for its
    output): a file added, then one removed, shows in Browse and in an
    evented SystemUpdateID within 10 s each; the SystemUpdateIDs never go
    backwards and each event carries ContainerUpdateIDs.

    @param base: a folder beside the library, to write the new file in
        before it is moved in whole.
    """
    makeMedia(base / "new.flac", "title=Fresh Track")
    os.rename(base / "new.flac", music / "other/new.flac")
    await waitFor("Fresh Track", 10)
    (music / "other/pcm.wav").unlink()
    output = await waitFor("gone pcm", 10)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    evented = [line["SystemUpdateID"] for line in lines if "SystemUpdateID" in line]
    test.assertGreaterEqual(len(set(evented)), 2, output)
    test.assertEqual(evented, sorted(evented))
    test.assertTrue(all(line.get("ContainerUpdateIDs") for line in lines), output)
