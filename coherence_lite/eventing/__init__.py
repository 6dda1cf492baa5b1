# -*- test-case-name: tests.eventing.test_message -*-
"""
UPnP eventing: GENA subscriptions at a service's eventSubURL and the NOTIFY
messages sent to subscribers.

  - L{coherence_lite.eventing.message}: headers and property sets (pure);
  - L{coherence_lite.eventing.limits}: every bound, in one value (pure);
  - L{coherence_lite.eventing.callbacks}: the CallStranger check of
    delivery URLs against the link a SUBSCRIBE arrived on;
  - L{coherence_lite.eventing.subscriptions}: the table of a service (SIDs,
    TIMEOUT, expiry, SEQ) and the quota all tables share;
  - L{coherence_lite.eventing.moderation}: maximumRate and minimumDelta;
  - L{coherence_lite.eventing.agent}: the HTTP client of event messages;
  - L{coherence_lite.eventing.slots}: the host-wide turns of deliveries,
    shared fairly between callback hosts and kept from hanging subscribers;
  - L{coherence_lite.eventing.notifier}: ordered delivery, merged while in
    flight, through an injected agent;
  - L{coherence_lite.eventing.publisher}: a service's state, moderation,
    table and notifier together, and the host's eventing service;
  - L{coherence_lite.eventing.resource}: the twisted.web resource at each
    eventSubURL.

This package file imports nothing, so importing the pure modules loads
nothing else.
"""

__all__: list[str] = []
