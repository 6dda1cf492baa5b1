"""
Tests for L{coherence_lite.identity}.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.identity import serverString


class ServerStringTests(SynchronousTestCase):
    """
    L{serverString} spells the SERVER and USER-AGENT values.
    """

    def test_serverString(self) -> None:
        """
        The SERVER value is C{OS/release UPnP/x.y coherence-lite/version},
        each part squeezed into a product token, and a UDA version that is
        not C{major.minor} is refused.
        """
        self.assertEqual(
            serverString("0.1.0", system="Linux", release="6.1.0-13-amd64"),
            "Linux/6.1.0-13-amd64 UPnP/1.1 coherence-lite/0.1.0",
        )
        self.assertEqual(
            serverString("0.1.0", "2.0", system="Windows NT", release="10 (Pro)"),
            "Windows-NT/10-Pro UPnP/2.0 coherence-lite/0.1.0",
        )
        self.assertEqual(serverString("1", system="", release=""), "unknown/unknown UPnP/1.1 coherence-lite/1")
        self.assertRaises(ValueError, serverString, "0.1.0", "1.1\r\nX: y")

    def test_serverStringFromThisPlatformIsThreeTokens(self) -> None:
        """
        Whatever this platform is called, the value has three C{name/version}
        tokens.
        """
        value = serverString("0.1.0")
        tokens = value.split(" ")
        self.assertEqual(len(tokens), 3)
        for token in tokens:
            self.assertEqual(token.count("/"), 1, value)
        self.assertEqual(tokens[1:], ["UPnP/1.1", "coherence-lite/0.1.0"])
