"""
Datagrams and hypothesis strategies shared by the SSDP message tests
(L{tests.ssdp.test_message}, L{tests.ssdp.test_parse}, L{tests.ssdp.test_format}): real
datagrams as control points and devices send them, and generators of
values the formatters accept.
"""

from __future__ import annotations

from hypothesis import strategies as st

from coherence_lite.ssdp import SSDP_ADDR, SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE
from coherence_lite.ssdp.format import hostHeader

UDN = "uuid:e427ce1a-3e80-43d0-ad6f-89ec42e46363"


def crlf(text: str) -> bytes:
    """
    Encode C{text} written with C{\\n} line endings as a CRLF datagram.
    """
    return text.replace("\n", "\r\n").encode("utf-8")


# The seed README's search, as Coherence and the example server received it.
SEED_SEARCH = crlf(
    "M-SEARCH * HTTP/1.1\n"
    "HOST:239.255.255.250:1900\n"
    "ST:upnp:rootdevice\n"
    "MX:2\n"
    'MAN:"ssdp:discover"\n'
    "\n"
)

# Windows' SSDP discovery service (used by Function Discovery, FDSSDP).
WINDOWS_SEARCH = crlf(
    "M-SEARCH * HTTP/1.1\n"
    "Host:239.255.255.250:1900\n"
    "ST:urn:schemas-upnp-org:device:InternetGatewayDevice:1\n"
    'Man:"ssdp:discover"\n'
    "MX:3\n"
    "\n"
)

# gssdp-discover (GUPnP), UDA 1.1.
GSSDP_SEARCH = crlf(
    "M-SEARCH * HTTP/1.1\n"
    "Host: 239.255.255.250:1900\n"
    'Man: "ssdp:discover"\n'
    "ST: ssdp:all\n"
    "MX: 3\n"
    "User-Agent: Linux/6.1.0 UPnP/1.1 GSSDP/1.6.3\n"
    "\n"
)

# async-upnp-client (Home Assistant).
ASYNC_UPNP_CLIENT_SEARCH = crlf(
    "M-SEARCH * HTTP/1.1\n"
    "HOST:239.255.255.250:1900\n"
    'MAN:"ssdp:discover"\n'
    "MX:4\n"
    "ST:ssdp:all\n"
    "\n"
)

# miniupnpd on a home router.
ROUTER_ALIVE = crlf(
    "NOTIFY * HTTP/1.1\n"
    "HOST: 239.255.255.250:1900\n"
    "CACHE-CONTROL: max-age=120\n"
    "LOCATION: http://192.168.1.1:5000/rootDesc.xml\n"
    "SERVER: OpenWRT/OpenWrt UPnP/1.1 MiniUPnPd/2.3.3\n"
    "NT: urn:schemas-upnp-org:service:WANIPConnection:1\n"
    "USN: uuid:8a3b4f3e-1dd2-11b2-a0f3-c1c2d3e4f5a6::urn:schemas-upnp-org:service:WANIPConnection:1\n"
    "NTS: ssdp:alive\n"
    'OPT: "http://schemas.upnp.org/upnp/1/0/"; ns=01\n'
    "01-NLS: 1700000000\n"
    "BOOTID.UPNP.ORG: 1700000000\n"
    "CONFIGID.UPNP.ORG: 1337\n"
    "\n"
)

# The seed README's response: EXT with a trailing space, a private header.
SEED_RESPONSE = crlf(
    "HTTP/1.1 200 OK\n"
    "SERVER: ZeWaren example SSDP Server\n"
    "LOCATION: http://192.168.4.207:8088/jambon-3000.xml\n"
    f"USN: {UDN}::upnp:rootdevice\n"
    "CACHE-CONTROL: max-age=1800\n"
    "EXT: \n"
    "last-seen: 1477147409.432466\n"
    "ST: upnp:rootdevice\n"
    "DATE: Sat, 22 Oct 2016 14:44:26 GMT\n"
    "\n"
)


def replaceLine(datagram: bytes, old: bytes, new: bytes) -> bytes:
    """
    Replace one line of a datagram (without its line ending).
    """
    assert old in datagram
    return datagram.replace(old, new)


# Hypothesis strategies.

words = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=120)
locations = words.map(lambda path: "http://192.168.1.10:8080/" + path)
texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=100
).filter(lambda text: text.strip(" \t") == text)
hosts = st.one_of(
    st.builds(
        hostHeader,
        st.sampled_from([SSDP_ADDR, SSDP_ADDR_V6_LINK, SSDP_ADDR_V6_SITE, "192.168.1.10"]),
        st.integers(1, 65535),
    ),
    words,
)
maxAges = st.integers(1, 2**31 - 1)
bootIds = st.integers(0, 2**31 - 1)
configIds = st.integers(0, 2**24 - 1)
searchPorts = st.none() | st.integers(49152, 65535)
names = st.from_regex(r"[A-Za-z0-9_\-]{1,64}", fullmatch=True)
typeURNs = st.builds(
    "urn:{}:{}:{}:{}".format,
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}", fullmatch=True),
    st.sampled_from(["device", "service"]),
    names,
    st.integers(1, 999),
)
searchTargets = st.one_of(
    st.sampled_from(["ssdp:all", "upnp:rootdevice"]),
    st.uuids().map(lambda u: f"uuid:{u}"),
    typeURNs,
)

unsafe = st.builds(
    lambda before, bad, after: before + bad + after,
    st.text(max_size=10),
    st.sampled_from(["\r", "\n", "\r\n", "\x00"]),
    st.text(max_size=10),
)

