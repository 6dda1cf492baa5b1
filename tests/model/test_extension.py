"""
Tests for L{coherence_lite.model.extension}: vendor elements of a device
description, their checks and how a description writes them.
"""

from __future__ import annotations

from dataclasses import replace

from defusedxml.ElementTree import fromstring
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.model.description import deviceDescription
from coherence_lite.model.device import DeviceError, Extension
from coherence_lite.model.extension import DLNA_DEVICE_NAMESPACE

from tests.support.description import D, children, jambon


class ExtensionTests(SynchronousTestCase):
    """
    L{Extension} and the C{extensions} of a L{Device}.
    """

    def test_writtenAfterTheUDAElementsWithTheirPrefix(self) -> None:
        """
        A device's extensions come after its UDA text elements, each with
        its prefix literally and its own namespace declaration, its text
        escaped; a parser reads them back in their namespaces.
        """
        extensions = (
            Extension(DLNA_DEVICE_NAMESPACE, "dlna", "X_DLNADOC", "DMS-1.50"),
            Extension("http://www.sec.co.kr/dlna", "sec", "ProductCap", "a&b<c>"),
        )
        data = deviceDescription(replace(jambon(), extensions=extensions), 7)
        self.assertIn(b'<dlna:X_DLNADOC xmlns:dlna="urn:schemas-dlna-org:device-1-0">DMS-1.50</dlna:X_DLNADOC>', data)
        self.assertIn(b'<sec:ProductCap xmlns:sec="http://www.sec.co.kr/dlna">a&amp;b&lt;c&gt;</sec:ProductCap>', data)
        device = fromstring(data).find(D + "device")
        names = children(device)
        dlna, sec = "{urn:schemas-dlna-org:device-1-0}X_DLNADOC", "{http://www.sec.co.kr/dlna}ProductCap"
        self.assertEqual(names[names.index(D + "UDN") + 1:names.index(D + "UDN") + 3], [dlna, sec])
        self.assertEqual(device.findtext(sec), "a&b<c>")

    def test_checks(self) -> None:
        """
        A prefix or name that is not an XML name without a colon, a prefix
        starting with C{xml}, a namespace with spaces or markup, and a text
        with control characters, empty or too long are refused, naming the
        field.
        """
        good = dict(namespace="urn:x", prefix="x", name="Y", text="z")
        for field, value in (
            ("prefix", "a:b"), ("prefix", "1x"), ("prefix", "xmlfoo"), ("name", "a b"), ("name", ""),
            ("namespace", "urn:a b"), ("namespace", 'urn:"'), ("namespace", ""),
            ("text", "a\x00"), ("text", ""), ("text", "x" * 257),
        ):
            error = self.assertRaises(DeviceError, Extension, **{**good, field: value})
            self.assertEqual(error.field, field, value)

    def test_aDeviceTakesExtensionsOnly(self) -> None:
        """
        C{extensions} is a tuple of L{Extension}.
        """
        error = self.assertRaises(DeviceError, replace, jambon(), extensions=("dlna",))
        self.assertEqual(error.field, "extensions[0]")
