# -*- test-case-name: tests.compat.test_base -*-
"""
The devices a Coherence façade finds, as Coherence's
C{coherence.upnp.core.device} had them: the control point's device tree
with Coherence's accessors (L{coherence_lite.compat._impl.accessors}), a
C{client} slot (C{device.client.switch_power.get_status()}), and services
that call and subscribe (C{service.get_action('GetStatus').call()}).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from twisted.internet.defer import Deferred, succeed

from coherence_lite.compat._impl.accessors import (
    CoherenceDevice,
    CoherenceRootDevice,
    CoherenceService,
    convertTree,
)
from coherence_lite.compat.action import Action, ServiceClient
from coherence_lite.controlpoint.remote import RemoteRootDevice

__all__ = ["Service", "Device", "RootDevice", "clientTree"]


@dataclass(frozen=True)
class Service(CoherenceService):
    """
    A found service that can be called and subscribed to once the façade
    has read its SCPD (L{bind}); before that it has no actions.
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "_client", None)

    def bind(self, client: ServiceClient) -> None:
        """
        Give the service its SOAP and GENA client.
        """
        object.__setattr__(self, "_client", client)

    @property
    def service_client(self) -> ServiceClient | None:
        """
        The client the service is bound to, if any.
        """
        client: ServiceClient | None = getattr(self, "_client", None)
        return client

    def get_action(self, name: str) -> Action | None:
        """
        The action called C{name}, or L{None}.
        """
        client = self.service_client
        return client.action(name) if client is not None else None

    def get_actions(self) -> dict[str, Action]:
        """
        Every action by name.
        """
        client = self.service_client
        return client.actions() if client is not None else {}

    def get_state_variable(self, name: str, instance: int = 0) -> str | None:
        """
        The last value heard of a variable (text), or L{None}.
        """
        client = self.service_client
        return client.values.get(name) if client is not None else None

    def subscribe(self) -> Deferred[None]:
        """
        Subscribe to the service's events (once).
        """
        client = self.service_client
        return client.subscribe() if client is not None else succeed(None)

    def subscribe_for_variable(
        self, var_name: str, instance: int = 0, callback: Callable[[Any], object] | None = None, signal: bool = False
    ) -> None:
        """
        Call C{callback(variable)} with each value of C{var_name} heard;
        C{variable.value} is its text.
        """
        client = self.service_client
        if client is not None and callback is not None:
            client.subscribe_for_variable(var_name, callback)

    def unsubscribe(self) -> Deferred[None]:
        """
        End the subscription, if any.
        """
        client = self.service_client
        return client.unsubscribe() if client is not None else succeed(None)


class _ClientSlot:
    """
    Coherence's C{client} slot on found devices.
    """

    def __post_init__(self) -> None:
        object.__setattr__(self, "client", None)

    def set_client(self, client: object) -> None:
        """
        Give the device its client (C{device.client}).
        """
        object.__setattr__(self, "client", client)

    def get_client(self) -> Any:
        """
        The device's client, or L{None}.
        """
        return getattr(self, "client", None)


@dataclass(frozen=True)
class Device(_ClientSlot, CoherenceDevice):
    """
    An embedded device a façade found.
    """

    def __post_init__(self) -> None:
        CoherenceDevice.__post_init__(self)
        _ClientSlot.__post_init__(self)


@dataclass(frozen=True)
class RootDevice(_ClientSlot, CoherenceRootDevice):
    """
    A root device a façade found.
    """

    def __post_init__(self) -> None:
        CoherenceRootDevice.__post_init__(self)
        _ClientSlot.__post_init__(self)


def clientTree(root: RemoteRootDevice) -> RootDevice:
    """
    The tree of a found root device, made of L{RootDevice}, L{Device} and
    L{Service}.
    """
    return convertTree(root, RootDevice, Service, Device)
