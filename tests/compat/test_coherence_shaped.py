# -*- test-case-name: tests.compat.test_coherence_shaped -*-
"""
Coherence's C{coherence/upnp/services/clients/test/test_switch_power_client.py}
and the flow of C{coherence/backends/light.py}, re-told in our own words with the same shape and the imports rewritten by
the one rule (Coherence's file is on no package registry, so it cannot be
fetched at test time as Cohen3's tests are).

The flow is Coherence's: a façade in C{unittest} mode with a control
point, a C{SimpleLight} plugin under a fresh UUID, a L{DeviceQuery} by
UUID, then C{client.switch_power.get_status()} answering C{'0'}.
"""

import os

import louie
from twisted.internet.defer import Deferred
from twisted.trial import unittest
from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.compat import __version__
from coherence_lite.compat import uuid, wrapped
from coherence_lite.compat.backend import Backend
from coherence_lite.compat.base import Coherence
from coherence_lite.compat.control_point import DeviceQuery
from coherence_lite.compat.utils import generalise_boolean


def errbackOnFailure(deferred):
    """
    Run a callback and hand any exception it raises to C{deferred} (the
    helper Coherence's tests call C{wrapped}).
    """

    def decorate(callback):
        def run(*args, **kwargs):
            try:
                callback(*args, **kwargs)
            except Exception:
                deferred.errback()

        return run

    return decorate


class SwitchPowerClientTests(unittest.TestCase):
    """
    A SimpleLight hosted by the façade is found by its own control point and
    answers through its SwitchPower client.
    """

    def setUp(self):
        louie.reset()
        self.coherence = Coherence(
            {"unittest": "yes", "logmode": "error", "subsystem_log": {"controlpoint": "error"}, "controlpoint": "yes"}
        )
        self.uuid = str(uuid.UUID())
        self.coherence.add_plugin("SimpleLight", name="test-light-%d" % os.getpid(), uuid=self.uuid)

    def tearDown(self):
        def cleaner(r):
            self.coherence.clear()
            return r

        dl = self.coherence.shutdown()
        dl.addBoth(cleaner)
        return dl

    def test_get_state(self):
        """
        The query finds the light by UUID and its status is off (C{'0'}).
        """
        self.assertTrue(__version__)
        d = Deferred()

        @errbackOnFailure(d)
        def the_result(r):
            self.assertEqual(self.uuid, r.udn)
            call = r.client.switch_power.get_status()
            call.addCallback(got_answer)
            call.addErrback(d.errback)

        @errbackOnFailure(d)
        def got_answer(r):
            self.assertEqual(int(r["ResultStatus"]), 0)
            d.callback(None)

        self.coherence.ctrl.add_query(DeviceQuery("uuid", self.uuid, the_result, timeout=10, oneshot=True))
        return d

    def test_set_target_then_get_state(self):
        """
        Switching the light on through the client makes the next status
        C{'1'}, and the backend saw it.
        """
        d = Deferred()

        @errbackOnFailure(d)
        def the_result(r):
            call = r.client.switch_power.set_target(new_target_value=1)
            call.addCallback(lambda _: r.client.switch_power.get_status())
            call.addCallback(got_answer)
            call.addErrback(d.errback)

        @errbackOnFailure(d)
        def got_answer(r):
            self.assertEqual(r, {"ResultStatus": "1"})
            backend = self.coherence.active_backends[self.uuid].backend
            self.assertEqual(backend.state, 1)
            d.callback(None)

        self.coherence.ctrl.add_query(DeviceQuery("uuid", self.uuid, the_result, timeout=10, oneshot=True))
        return d


class CoherenceStyleLight(Backend):
    """
    A backend shaped as the lights of Coherence's C{coherence/backends/light.py}
    are: it says it is ready with a synchronous louie signal from its
    constructor, logs with C{%}-style arguments, and reads Coherence's
    argument spelling.
    """

    implements = ["BinaryLight"]
    logCategory = "simple_light"

    def __init__(self, server, **kwargs):
        Backend.__init__(self, server)
        self.name = kwargs.get("name", "SimpleLight")
        self.server = server
        self.state = 0
        louie.send("Coherence.UPnP.Backend.init_completed", None, backend=self)

    def upnp_init(self):
        if self.server:
            self.server.switch_power_server.set_variable(0, "Target", self.state)
            self.server.switch_power_server.set_variable(0, "Status", self.state)

    def upnp_SetTarget(self, **kwargs):
        self.info("upnp_SetTarget %r", kwargs)
        self.state = int(generalise_boolean(kwargs["NewTargetValue"]))
        if self.server:
            self.server.switch_power_server.set_variable(0, "Target", self.state)
            self.server.switch_power_server.set_variable(0, "Status", self.state)
        return {}


class LightModuleTests(unittest.TestCase):
    """
    The flow of Coherence's light module's C{main}: a façade, then
    C{add_plugin} of a simple and a better light.
    """

    def setUp(self):
        self.coherence = Coherence({"unittest": "yes", "logmode": "warning", "controlpoint": "yes"})

    def tearDown(self):
        return self.coherence.shutdown().addBoth(lambda r: self.coherence.clear())

    def test_bothLightsAreHostedAndSwitch(self):
        """
        A Coherence-shaped backend and the built-in BetterLight are hosted
        side by side, found, and each switches.
        """
        simple = self.coherence.add_plugin(CoherenceStyleLight)
        better = self.coherence.add_plugin("BetterLight")
        results = []
        d = Deferred()

        def found(device):
            if device is None:
                d.errback(AssertionError("a light was not found"))
                return
            call = device.client.switch_power.set_target(new_target_value=1)
            call.addCallback(lambda _: device.client.switch_power.get_status())
            call.addCallback(results.append)
            call.addCallback(lambda _: d.callback(None) if len(results) == 2 and not d.called else None)
            call.addErrback(d.errback)

        for light in (simple, better):
            self.coherence.ctrl.add_query(DeviceQuery("uuid", light.uuid, found, timeout=10))

        def check(_):
            self.assertEqual(results, [{"ResultStatus": "1"}, {"ResultStatus": "1"}])
            self.assertEqual((simple.backend.state, better.backend.state), (1, 1))
            self.assertEqual(better.device_type, "urn:schemas-upnp-org:device:DimmableLight:1")

        return d.addCallback(check)


class WrappedTests(SynchronousTestCase):
    """
    L{coherence_lite.compat.wrapped}, the helper Coherence's own tests
    import as C{coherence.test.wrapped}.
    """

    def test_exceptionErrbacksTheDeferred(self) -> None:
        """
        A wrapped callback that raises errbacks the test's L{Deferred} with
        that exception; one that returns leaves it alone.
        """
        d: Deferred[None] = Deferred()

        @wrapped(d)
        def fine(value: int) -> None:
            self.assertEqual(value, 1)

        @wrapped(d)
        def broken(value: int) -> None:
            raise ValueError(value)

        fine(1)
        self.assertNoResult(d)
        broken(2)
        self.assertEqual(self.failureResultOf(d, ValueError).value.args, (2,))
