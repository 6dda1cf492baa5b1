# -*- test-case-name: tests.compat.test_base -*-
"""
The device clients a Coherence control point gives the devices it finds
(C{device.client}), and their base: Coherence's C{BasicClient} and its
service clients.

A client has one attribute per service its device type defines
(C{client.switch_power}, C{client.dimming}), each a service client whose
methods call the service's actions (Deferreds of the out-arguments as
text) and subscribe to its events.  The modules named after Coherence's
(L{coherence_lite.compat.switch_power_client},
L{coherence_lite.compat.binary_light_client}, ...) give these classes
under Coherence's import paths.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar

from twisted.internet.defer import Deferred, fail
from twisted.logger import Logger

from coherence_lite.errors import UPnPError

__all__ = [
    "BasicClient",
    "ServiceActions",
    "SwitchPowerClient",
    "DimmingClient",
    "BinaryLightClient",
    "DimmableLightClient",
    "CLIENTS",
]

log = Logger()


class ServiceActions:
    """
    The base of a service client: calls by action name, events by
    variable.

    @ivar service: the found service.
    """

    def __init__(self, service: Any) -> None:
        self.service = service
        self.namespace = service.get_type()
        self.url = service.get_control_url()
        service.subscribe()

    def _call(self, name: str, **arguments: object) -> Deferred[dict[str, str]]:
        action = self.service.get_action(name)
        if action is None:
            return fail(UPnPError(401, f"{self.service.get_id()} has no action {name}"))
        result: Deferred[dict[str, str]] = action.call(**arguments)
        return result

    def subscribe_for_variable(self, var_name: str, callback: Callable[[Any], object], signal: bool = False) -> None:
        """
        Call C{callback(variable)} with each value of C{var_name} heard.
        """
        self.service.subscribe_for_variable(var_name, instance=0, callback=callback, signal=signal)

    def remove(self) -> Deferred[None]:
        """
        Stop following the service.
        """
        result: Deferred[None] = self.service.unsubscribe()
        return result


class SwitchPowerClient(ServiceActions):
    """
    SwitchPower:1 (Coherence's C{SwitchPowerClient}).
    """

    def set_target(self, new_target_value: object = 0) -> Deferred[dict[str, str]]:
        """Switch on (1) or off (0)."""
        return self._call("SetTarget", NewTargetValue=new_target_value)

    def get_target(self) -> Deferred[dict[str, str]]:
        """C{{'RetTargetValue': '0'|'1'}}."""
        return self._call("GetTarget")

    def get_status(self) -> Deferred[dict[str, str]]:
        """C{{'ResultStatus': '0'|'1'}}."""
        return self._call("GetStatus")


class DimmingClient(ServiceActions):
    """
    Dimming:1 (Coherence's C{DimmingClient}).
    """

    def set_load_level_target(self, new_load_level_target: object = 0) -> Deferred[dict[str, str]]:
        """Dim to a percentage."""
        return self._call("SetLoadLevelTarget", NewLoadLevelTarget=new_load_level_target)

    def get_load_level_target(self) -> Deferred[dict[str, str]]:
        """The target percentage."""
        return self._call("GetLoadLevelTarget")

    def get_load_level_status(self) -> Deferred[dict[str, str]]:
        """The current percentage."""
        return self._call("GetLoadLevelStatus")


class BasicClient:
    """
    A found device's client: one service client per service its type
    defines (L{None} for one the device lacks).

    @cvar _service_definition: (attribute, class, required, service types).
    """

    _service_definition: ClassVar[tuple[tuple[str, type[ServiceActions], bool, list[str]], ...]] = ()

    def __init__(self, device: Any) -> None:
        self.device = device
        self.device_type = device.get_friendly_device_type()
        self.version = int(device.get_device_type_version())
        self.icons = device.icons
        self._services: list[ServiceActions] = []
        self.detection_completed = True
        available = {service.get_type(): service for service in device.get_services()}
        for attribute, cls, required, types in self._service_definition:
            service = next((available[t] for t in types if t in available), None)
            if service is None:
                setattr(self, attribute, None)
                if required:
                    log.warn("{udn} lacks the {types} service", udn=device.UDN, types=types[0])
                continue
            client = cls(service)
            self._services.append(client)
            setattr(self, attribute, client)

    def remove(self) -> None:
        """
        Stop following the device's services.
        """
        for client in reversed(self._services):
            client.remove()
        self._services = []


class BinaryLightClient(BasicClient):
    """
    A BinaryLight's client: C{client.switch_power}.
    """

    _service_definition = (("switch_power", SwitchPowerClient, True, ["urn:schemas-upnp-org:service:SwitchPower:1"]),)


class DimmableLightClient(BasicClient):
    """
    A DimmableLight's client: C{client.switch_power}, C{client.dimming}.
    """

    _service_definition = (
        ("switch_power", SwitchPowerClient, True, ["urn:schemas-upnp-org:service:SwitchPower:1"]),
        ("dimming", DimmingClient, True, ["urn:schemas-upnp-org:service:Dimming:1"]),
    )


#: The client class of each short device type a control point knows.
CLIENTS: dict[str, type[BasicClient]] = {
    "BinaryLight": BinaryLightClient,
    "DimmableLight": DimmableLightClient,
}
