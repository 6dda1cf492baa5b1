# -*- test-case-name: tests.test_controlpoint -*-
"""
The control point side: seeing the UPnP devices on the network.

  - L{remote}: the described devices (L{RemoteRootDevice}, L{RemoteDevice},
    L{RemoteService}, L{RemoteIcon}), with Coherence's accessors.
  - L{parse}: description documents to those objects (pure, defensive).
  - L{fetch}: bounded HTTP fetching, with retries.
  - L{tracker}: L{DeviceTracker}, SSDP entries to described devices, with
    Coherence's louie signals.
  - L{search}: L{Searcher}, M-SEARCH from a port of its own.
  - L{discovery}: L{ControlPoint}, all of it as one service.
  - L{report}: devices as text and JSON for C{coherence-lite search}.
"""

from coherence_lite.controlpoint.discovery import ControlPoint, makeFetcher
from coherence_lite.controlpoint.fetch import FetchError, HTTPFetcher, RetryingFetcher
from coherence_lite.controlpoint.parse import DescriptionError, parseDescription
from coherence_lite.controlpoint.remote import (
    LOCAL,
    REMOTE,
    RemoteDevice,
    RemoteIcon,
    RemoteRootDevice,
    RemoteService,
)
from coherence_lite.controlpoint.search import Searcher
from coherence_lite.controlpoint.tracker import DeviceObserver, DeviceTracker

__all__ = [
    "ControlPoint",
    "makeFetcher",
    "FetchError",
    "HTTPFetcher",
    "RetryingFetcher",
    "DescriptionError",
    "parseDescription",
    "LOCAL",
    "REMOTE",
    "RemoteDevice",
    "RemoteIcon",
    "RemoteRootDevice",
    "RemoteService",
    "Searcher",
    "DeviceObserver",
    "DeviceTracker",
]
