# -*- test-case-name: tests.compat.test_backend -*-
"""
Coherence's light backends, built in: C{coherence.backends.light}.

    c.add_plugin('SimpleLight', name='Porch')     # a BinaryLight
    c.add_plugin('BetterLight', name='Lounge')    # a DimmableLight

L{SimpleLight} can be switched on and off; L{BetterLight} can be dimmed
too.  Both keep their state in the service's variables, so a control point
sees each change (GetStatus, events).
"""

from __future__ import annotations

from typing import Any

from coherence_lite.compat.backend import Backend
from coherence_lite.compat.utils import generalise_boolean

__all__ = ["SimpleLight", "BetterLight", "DEFAULT_NAME_SIMPLE", "DEFAULT_NAME_BETTER"]

DEFAULT_NAME_SIMPLE = "SimpleLight"
DEFAULT_NAME_BETTER = "BetterLight"


class _Switch(Backend):
    """
    What both lights share: the on/off switch (C{SwitchPower}), starting
    off.

    @cvar defaultName: the friendly name when the plugin names none.
    """

    defaultName = ""

    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.name = str(kwargs.get("name", self.defaultName))
        self.state = 0
        self.init_completed()

    def _publishSwitch(self) -> None:
        self.server.switch_power_server.set_variable(0, "Target", self.state)
        self.server.switch_power_server.set_variable(0, "Status", self.state)

    def upnp_init(self) -> None:
        """
        Publish the starting state.
        """
        self._publishSwitch()

    def upnp_SetTarget(self, **kwargs: str) -> dict[str, object]:
        """
        Switch: C{NewTargetValue} is C{0} or C{1}.
        """
        self.state = int(generalise_boolean(kwargs["NewTargetValue"]))
        self._publishSwitch()
        self.info("switched to %d", self.state)
        return {}


class SimpleLight(_Switch):
    """
    A light that can only be switched on or off; it starts off.
    """

    implements = ["BinaryLight"]
    logCategory = "simple_light"
    defaultName = DEFAULT_NAME_SIMPLE


class BetterLight(_Switch):
    """
    A dimmable light; it starts off, at 50 %.
    """

    implements = ["DimmableLight"]
    logCategory = "better_light"
    defaultName = DEFAULT_NAME_BETTER

    def __init__(self, server: Any, **kwargs: Any) -> None:
        self.loadlevel = 50
        super().__init__(server, **kwargs)

    def _publishLevel(self) -> None:
        self.server.dimming_server.set_variable(0, "LoadLevelTarget", self.loadlevel)
        self.server.dimming_server.set_variable(0, "LoadLevelStatus", self.loadlevel)

    def upnp_init(self) -> None:
        """
        Publish the starting state.
        """
        super().upnp_init()
        self._publishLevel()

    def upnp_SetLoadLevelTarget(self, **kwargs: str) -> dict[str, object]:
        """
        Dim: C{NewLoadlevelTarget} from 0 to 100 (clamped).
        """
        self.loadlevel = min(max(0, int(kwargs["NewLoadlevelTarget"])), 100)
        self._publishLevel()
        self.info("dimmed to %d", self.loadlevel)
        return {}
