# -*- test-case-name: tests.test_compat_coherence_shaped -*-
"""
Coherence's C{coherence/upnp/services/clients/test/test_switch_power_client.py},
re-told in our own words with the same shape and the imports rewritten by
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

from coherence_lite.compat import __version__
from coherence_lite.compat import uuid
from coherence_lite.compat.base import Coherence
from coherence_lite.compat.control_point import DeviceQuery


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
