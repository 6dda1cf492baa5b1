# -*- test-case-name: tests.host.test_reload,tests.host.test_service -*-
"""
The one builder of what serves root devices over HTTP: their running
services, their eventing and the resource tree, with each service's
SUBSCRIBE resource mounted at its eventSubURL.

L{UPnPDeviceService} builds its parts with L{buildServing} at start and
again on L{replaceDevices <UPnPDeviceService.replaceDevices>}; the
Coherence façade serves each of its devices with L{serveTree}.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from twisted.internet.interfaces import IReactorTime
from twisted.web.iweb import IAgent

from coherence_lite._reactor import Reactor
from coherence_lite.backend.hosted import Hosted
from coherence_lite.eventing.limits import EventingLimits
from coherence_lite.eventing.publisher import HostEventing
from coherence_lite.eventing.resource import eventResources
from coherence_lite.backend.runtimes import HostedRuntimes
from coherence_lite.host.site import HostResource, Runtimes, makeRootResource
from coherence_lite.backend.statestore import StateStore
from coherence_lite.model.description import Documents
from coherence_lite.model.layout import SUBSCRIBE
from coherence_lite.net.interfaces import Link
from coherence_lite.stats import Stats

__all__ = ["Serving", "buildServing", "serveTree"]


@dataclass(frozen=True)
class Serving:
    """
    What serves a set of root devices.

    @ivar runtimes: the running services and the keeper of their state.
    @ivar eventing: the GENA subscriptions of every service.
    @ivar tree: the resource tree to serve at C{/}.
    """

    runtimes: HostedRuntimes
    eventing: HostEventing
    tree: HostResource


def serveTree(
    documentsList: Sequence[Documents],
    runtimes: Runtimes,
    eventing: HostEventing,
    links: Callable[[], Sequence[Link]],
    clock: IReactorTime,
    stats: Stats,
    *,
    keep: bool = False,
) -> HostResource:
    """
    The resource tree of some root devices, with every service's control
    answered by its runtime and its eventSubURL answered by C{eventing}.

    @param runtimes: the runtime of each service, by (device UDN, service
        short id).
    @param links: the links served, for the CallStranger check of
        SUBSCRIBE callbacks.
    @param keep: whether C{eventing} served these devices before (a
        reload): see L{eventResources}.
    @raise ValueError: see L{makeRootResource}; C{eventing} is left as it
        was.
    """
    tree = makeRootResource(documentsList, stats, runtimes)
    for (udn, shortId), resource in eventResources(eventing, runtimes, links, clock, stats, keep=keep).items():
        tree.devices[udn].services[shortId].putChild(SUBSCRIBE.encode("ascii"), resource)
    return tree


def buildServing(
    hosted: Sequence[Hosted],
    documentsList: Sequence[Documents],
    *,
    reactor: Reactor,
    stats: Stats,
    links: Callable[[], Sequence[Link]],
    agent: IAgent,
    limits: EventingLimits,
    store: StateStore | Path | None,
    previous: Serving | None = None,
) -> Serving:
    """
    Build the runtimes (their stored state read back from C{store}: see
    L{HostedRuntimes}), the eventing and the tree of some root devices.

    On a reload, C{previous} is what served the devices until now: the
    runtimes of its unchanged services are kept (see
    L{HostedRuntimes.unchanged}) and its eventing goes on, each service's
    subscriptions kept, rebound or ended as L{HostEventing.serve} and
    L{HostEventing.retain} say.

    @param hosted: the root devices with what runs their services.
    @param documentsList: their rendered documents, in the same order.
    @param agent: sends event messages (see
        L{coherence_lite.eventing.agent.deliveryAgent}).
    @param limits: the eventing bounds.
    @param previous: what served the devices until now, if anything.
    @raise ConfigError: a device file binds a function that cannot be
        imported.
    @raise ValueError: see L{makeRootResource}.
    When it raises, C{previous} is left as it was.
    """
    reuse = previous.runtimes.unchanged(hosted) if previous is not None else {}
    runtimes = HostedRuntimes(hosted, reactor, store, reuse)
    runtimes.setName("runtimes")
    if previous is None:
        eventing = HostEventing(agent, reactor, limits, stats)
        return Serving(runtimes, eventing, serveTree(documentsList, runtimes.byService, eventing, links, reactor, stats))
    eventing = previous.eventing
    try:
        tree = serveTree(documentsList, runtimes.byService, eventing, links, reactor, stats, keep=True)
    except Exception:
        runtimes.detach()
        raise
    previous.runtimes.detach()
    eventing.retain((udn, runtime.service.serviceId) for (udn, _), runtime in runtimes.byService.items())
    return Serving(runtimes, eventing, tree)
