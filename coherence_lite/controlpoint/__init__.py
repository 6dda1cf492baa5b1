# -*- test-case-name: tests.controlpoint.test_discovery -*-
"""
The control point side: seeing the UPnP devices on the network.

  - L{remote}: the described devices (L{remote.RemoteRootDevice},
    L{remote.RemoteDevice}, L{remote.RemoteService},
    L{remote.RemoteIcon}); pure.
  - L{parse}: description documents to those objects; pure, defensive.
  - L{fetch}: bounded HTTP fetching, with retries.
  - L{tracker}: L{tracker.DeviceTracker}, SSDP entries to described
    devices, told to L{tracker.DeviceObserver}s.
  - L{search}: L{search.Searcher}, M-SEARCH from a port of its own.
  - L{discovery}: L{discovery.ControlPoint}, all of it as one service.
  - L{report}: devices as text and JSON for C{coherence-lite search}; pure.

Coherence's accessors and signals for these devices are in
L{coherence_lite.compat._impl.accessors} and L{coherence_lite.compat._impl.devicesignals}.

This package imports nothing on purpose, so that importing one of its
pure modules loads no reactor, web client or device host.
"""

__all__: list[str] = []
