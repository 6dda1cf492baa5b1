# -*- test-case-name: tests.compat.test_base -*-
"""
Tests for the L{Coherence <coherence_lite.compat.base.Coherence>} façade
in C{unittest} mode (loopback only, no SSDP socket): singleton, plugins,
its own devices found in-process, the control point's queries and
clients, generic action calls and events.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import Deferred, inlineCallbacks
from twisted.internet.task import deferLater
from twisted.trial.unittest import TestCase

from coherence_lite.compat import uuid
from coherence_lite.compat.backend import Backend
from coherence_lite.compat.base import Coherence
from coherence_lite.compat._impl.base_plugins import backendClass, pluginList
from coherence_lite.compat.control_point import DeviceQuery
from coherence_lite.compat.light import SimpleLight
from coherence_lite.compat.signals import ROOT_DEVICE_DETECTION_COMPLETED

SWITCH_POWER = "urn:schemas-upnp-org:service:SwitchPower:1"


class Unknown(Backend):
    """
    A backend for a device type the façade does not host.
    """

    implements = ["MediaServer"]


class FacadeTestCase(TestCase):
    """
    A façade in unittest mode with a control point, shut down after each
    test.
    """

    config: dict[str, Any] = {"unittest": "yes", "controlpoint": "yes"}

    def setUp(self) -> None:
        self.coherence = Coherence(dict(self.config))
        self.addCleanup(self.stop)

    def stop(self) -> Deferred[None]:
        done = self.coherence.shutdown(force=True)
        return done.addBoth(lambda result: self.coherence.clear() or result)

    def find(self, udn: str, timeout: float = 10) -> Deferred[Any]:
        found: Deferred[Any] = Deferred()
        assert self.coherence.ctrl is not None
        self.coherence.ctrl.add_query(DeviceQuery("uuid", udn, found.callback, timeout=timeout))
        return found

    def host(self, backend: Any = "SimpleLight", **kwargs: Any) -> str:
        udn = str(uuid.UUID())
        self.assertIsNotNone(self.coherence.add_plugin(backend, uuid=udn, **kwargs))
        return udn


class FacadeTests(FacadeTestCase):
    """
    What the façade is and does by itself.
    """

    def test_singleton(self) -> None:
        """
        Every C{Coherence(...)} gives the same object until C{clear()}; a
        shutdown only counts down while there are several incarnations.
        """
        again = Coherence({"unittest": "no"})
        self.assertIs(again, self.coherence)
        self.assertTrue(self.successResultOf(self.coherence.shutdown()) is None)
        self.assertTrue(self.coherence.web.running)

    def test_unittestModeStaysOnLoopback(self) -> None:
        """
        In unittest mode the web server listens on 127.0.0.1 and no SSDP
        or search socket is opened.
        """
        self.assertEqual(self.coherence.hostname, "127.0.0.1")
        self.assertEqual(self.coherence.urlbase, f"http://127.0.0.1:{self.coherence.web_server_port}/")
        self.assertGreater(self.coherence.web_server_port, 0)
        self.assertFalse(self.coherence.ssdp_server.service.running)
        self.assertIsNone(self.coherence.msearch.port)

    def test_pluginsFromTheConfiguration(self) -> None:
        """
        C{plugin} (a list of dicts with C{backend}, C{active: no} skipped)
        and C{plugins} (name → keys) are both read.
        """
        entries = pluginList(
            {"plugin": [{"backend": "SimpleLight", "name": "A"}, {"backend": "BetterLight", "active": "no"}, {"x": 1}]}
        )
        self.assertEqual(entries, [("SimpleLight", {"name": "A"})])
        self.assertEqual(pluginList({"plugins": {"BetterLight": {"name": "B"}, "SimpleLight": "x"}}),
                         [("BetterLight", {"name": "B"}), ("SimpleLight", {})])
        self.assertIs(backendClass("SimpleLight"), SimpleLight)
        self.assertIs(backendClass("coherence_lite.compat.light:SimpleLight"), SimpleLight)
        self.assertIsNone(backendClass("no.such.Module"))

    def test_unknownPluginsAreNone(self) -> None:
        """
        A plugin that cannot be found, or whose device type is not hosted,
        gives L{None}.
        """
        self.assertIsNone(self.coherence.add_plugin("NoSuchLight"))
        self.assertIsNone(self.coherence.add_plugin(Unknown))

    @inlineCallbacks
    def test_removePluginSaysByebyeAndForgets(self) -> Any:
        """
        C{remove_plugin} by UDN takes the device's USNs out of the SSDP
        table and the device out of C{devices}; an unknown UDN gives C{""}.
        """
        udn = self.host()
        yield self.find(udn)
        self.assertTrue(any(usn.startswith(udn) for usn in self.coherence.ssdp_server.known))
        self.assertEqual(self.coherence.remove_plugin(udn[5:]), udn)
        self.assertFalse(any(usn.startswith(udn) for usn in self.coherence.ssdp_server.known))
        self.assertIsNone(self.coherence.get_device_with_id(udn))
        self.assertEqual(self.coherence.remove_plugin(udn), "")


class FindingTests(FacadeTestCase):
    """
    The façade's control point finds the façade's own devices.
    """

    @inlineCallbacks
    def test_ownDeviceIsFoundAndListed(self) -> Any:
        """
        A hosted light is found, listed as local, and found by its id with
        or without C{uuid:}; the root signal goes out for it.
        """
        signalled: list[Any] = []

        def receiver(device: Any, **named: Any) -> None:
            signalled.append(device)

        self.coherence.connect(receiver, ROOT_DEVICE_DETECTION_COMPLETED, weak=False)
        self.addCleanup(self.coherence.disconnect, receiver, ROOT_DEVICE_DETECTION_COMPLETED, weak=False)
        udn = self.host(name="Porch")
        device = yield self.find(udn)
        yield deferLater(reactor, 0, lambda: None)
        self.assertEqual(device.get_friendly_name(), "Porch")
        self.assertIs(self.coherence.get_device_with_id(udn[5:]), device)
        self.assertEqual(self.coherence.get_local_devices(), [device])
        self.assertEqual(self.coherence.get_nonlocal_devices(), [])
        self.assertEqual(signalled, [device])
        self.assertEqual(device.client.device_type, "BinaryLight")

    @inlineCallbacks
    def test_controlPointDetectedAndRemovedSignals(self) -> Any:
        """
        C{Coherence.UPnP.ControlPoint.BinaryLight.detected} comes with the
        client and UDN of a found light, and C{...removed} with its UDN once
        it is removed.
        """
        detected: Deferred[Any] = Deferred()
        removed: Deferred[Any] = Deferred()

        def onDetected(client: Any, udn: str, **named: Any) -> None:
            detected.callback((client, udn))

        def onRemoved(udn: str, **named: Any) -> None:
            removed.callback(udn)

        for receiver, signal in ((onDetected, "detected"), (onRemoved, "removed")):
            name = f"Coherence.UPnP.ControlPoint.BinaryLight.{signal}"
            self.coherence.connect(receiver, name, weak=False)
            self.addCleanup(self.coherence.disconnect, receiver, name, weak=False)
        udn = self.host()
        client, seen = yield detected
        self.assertEqual((seen, client.device_type), (udn, "BinaryLight"))
        self.coherence.remove_plugin(udn)
        gone = yield removed
        self.assertEqual(gone, udn)

    @inlineCallbacks
    def test_queryTimesOutWithNone(self) -> Any:
        """
        A query that finds nothing calls back with L{None}: at once with
        timeout 0, after its timeout otherwise.
        """
        now: list[Any] = []
        assert self.coherence.ctrl is not None
        self.coherence.ctrl.add_query(DeviceQuery("friendly_name", "nobody", now.append))
        self.assertEqual(now, [None])
        late = yield self.find(str(uuid.UUID()), timeout=0.05)
        self.assertIsNone(late)

    @inlineCallbacks
    def test_genericActionCall(self) -> Any:
        """
        C{service.get_action(name).call(**kwargs)} switches the light (an
        argument name in Coherence's spelling is matched), and an unknown
        action is L{None}.
        """
        udn = self.host()
        device = yield self.find(udn)
        service = device.get_service_by_type(SWITCH_POWER)
        self.assertIsNone(service.get_action("Explode"))
        result = yield service.get_action("SetTarget").call(NewTargetValue=True)
        self.assertEqual(result, {})
        status = yield service.get_action("GetStatus").call()
        self.assertEqual(status, {"ResultStatus": "1"})

    @inlineCallbacks
    def test_dimmingClientAndEvents(self) -> Any:
        """
        A BetterLight's client reads its level, and a variable subscription
        hears a new level as text.
        """
        udn = self.host("BetterLight")
        device = yield self.find(udn)
        level = yield device.client.dimming.get_load_level_status()
        self.assertEqual(level, {"retLoadlevelStatus": "50"})
        heard: Deferred[str] = Deferred()

        def changed(variable: Any) -> None:
            if variable.value == "80" and not heard.called:
                heard.callback(variable.value)

        device.client.dimming.subscribe_for_variable("LoadLevelStatus", changed)
        yield device.client.dimming.set_load_level_target(80)
        value = yield heard
        self.assertEqual(value, "80")
