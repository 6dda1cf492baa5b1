"""
Our C{DLNA.ORG_PN} against the reference: a real daemon over a corpus made
with ffmpeg and Pillow (L{tests.support.dlnacorpus}), each item's
protocolInfo read from a Search over HTTP, and GUPnP-DLNA's
C{gupnp-dlna-info} run on the same file (Debian gupnp-dlna-tools, with the
GStreamer plugins it needs).  Where we name a profile it is the one the
reference names; for MP3, JPEG and PNG files we name exactly what it names
(nothing where it names nothing).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from pathlib import Path

from twisted.internet import reactor
from twisted.internet.defer import Deferred, DeferredSemaphore, gatherResults
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase
from twisted.web.client import Agent, FileBodyProducer, readBody
from twisted.web.http_headers import Headers

from coherence_lite.conformance.didl_rules import MAX_DIDL_SIZE, parseDIDL
from coherence_lite.control.message import ActionResponse, SOAPAction, formatRequest, parseResponse
from coherence_lite.controlpoint.description import parseDescription
from coherence_lite.controlpoint.remote import RemoteRootDevice
from coherence_lite.controlpoint.soap import requestHeaders

from tests.support.dlnacorpus import AUDIO, PICTURES, makeCorpus
from tests.support.prerequisites import missing
from tests.system.mediadaemon import startMediaDaemon

#: The profile line of gupnp-dlna-info's answer.
PROFILE = re.compile(r"^Profile Name: (\S+)$", re.MULTILINE)

#: The PN of a protocolInfo's fourth field.
PN = re.compile(r"(?:^|;)DLNA\.ORG_PN=([^;]+)")

#: The files whose profile we decide ourselves from the file (MP3 from its
#: first frame, pictures from their size and mode): ours must be the
#: reference's, absence included.
DECIDED = [name for name in (*AUDIO, *PICTURES) if name.endswith((".mp3", ".jpg", ".png"))]

CONTENT_DIRECTORY = "urn:schemas-upnp-org:service:ContentDirectory:1"


async def reference(tool: str, path: Path) -> str | None:
    """
    The profile gupnp-dlna-info names for a file, or L{None}.
    """
    out, _, _ = await getProcessOutputAndValue(tool, ["--timeout=20", path.as_uri()], env=dict(os.environ))
    found = PROFILE.search(out.decode("utf-8", "replace"))
    return found.group(1) if found else None


async def itemsOf(location: str) -> dict[str, str | None]:
    """
    Every item of our MediaServer (one Search with RequestedCount 0): its
    title and the PN of its first C{res}, or L{None}.
    """
    agent = Agent(reactor)
    description = await readBody(await agent.request(b"GET", location.encode("ascii")))
    root = parseDescription(description, location)
    assert isinstance(root, RemoteRootDevice), root
    [service] = [s for d in root.allDevices() for s in d.services if s.serviceType == CONTENT_DIRECTORY]
    assert service.controlURL is not None
    arguments = [
        ("ContainerID", "0"), ("SearchCriteria", 'upnp:class derivedfrom "object.item"'), ("Filter", "*"),
        ("StartingIndex", "0"), ("RequestedCount", "0"), ("SortCriteria", ""),
    ]
    body = formatRequest(CONTENT_DIRECTORY, "Search", arguments)
    headers = Headers()
    for name, value in requestHeaders(CONTENT_DIRECTORY, "Search"):
        headers.addRawHeader(name, value)
    response = await agent.request(b"POST", service.controlURL.encode("ascii"), headers, FileBodyProducer(io.BytesIO(body)))
    answer = parseResponse(await readBody(response), SOAPAction(CONTENT_DIRECTORY, "Search"), MAX_DIDL_SIZE)
    assert isinstance(answer, ActionResponse), answer
    didl = parseDIDL(dict(answer.arguments)["Result"])
    assert not didl.problems, didl.problems
    items = {}
    for each in didl.objects:
        fourth = each.res[0].split(":", 3)[3] if each.res else ""
        found = PN.search(fourth)
        items[each.title] = found.group(1) if found else None
    return items


class ProfilesAgreeWithGUPnPDLNATests(TestCase):
    """
    Our PNs and gupnp-dlna-info's, file by file.
    """

    timeout = 300

    async def test_profilesAgree(self) -> None:
        """
        Every PN we name is the reference's for that file; for MP3, JPEG
        and PNG files ours is the reference's, none where it names none;
        and we do name some (MP3, MP3X, the JPEG and PNG sizes).
        """
        tool = shutil.which("gupnp-dlna-info")
        if tool is None:
            missing("gupnp-dlna-info is not installed (apt-get install gupnp-dlna-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good)")
        base = Path(tempfile.mkdtemp(prefix="cl-dlna-"))
        self.addCleanup(shutil.rmtree, base, True)
        corpus = base / "corpus"
        names = makeCorpus(corpus)
        limit = DeferredSemaphore(4)
        answers = await gatherResults([limit.run(lambda name=name: Deferred.fromCoroutine(reference(tool, corpus / name))) for name in names])
        theirs = dict(zip(names, answers))
        if theirs["mp3-44k-128.mp3"] != "MP3" or theirs["jpeg-640x480.jpg"] != "JPEG_SM":
            missing("gupnp-dlna-info reads no profile: GStreamer's plugins are missing (apt-get install gstreamer1.0-plugins-base gstreamer1.0-plugins-good)")
        daemon = await startMediaDaemon(self, corpus, base / "state", name="Corpus", scanSeconds=120)
        process = daemon.process
        items = await itemsOf(daemon.location)
        ours = {name: items[name.rsplit(".", 1)[0]] for name in names}
        wrong = {name: (ours[name], theirs[name]) for name in names if ours[name] is not None and ours[name] != theirs[name]}
        self.assertEqual(wrong, {})
        self.assertEqual({name: ours[name] for name in DECIDED}, {name: theirs[name] for name in DECIDED})
        self.assertTrue({"MP3", "MP3X", "JPEG_SM_ICO", "JPEG_TN", "JPEG_SM", "JPEG_MED", "JPEG_LRG", "PNG_TN", "PNG_LRG"} <= set(ours.values()))
        self.assertNotIn("Traceback", process.output)
