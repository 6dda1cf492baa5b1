# -*- test-case-name: tests.conformance.test_rules -*-
"""
The conformance checker behind C{coherence-lite check}.

  - L{findings}: the rules (statement and source) and what a check found;
    pure.
  - L{ssdp_rules}, L{description_rules}, L{control_rules},
    L{eventing_rules}, L{media_rules} (with L{didl_rules}): the rules as pure functions over what a device
    said, using the host's and the control point's own parsers and
    matchers.
  - L{ssdp_probe}, L{http_probe}, L{media_probe}, L{probe}: gathering what the device says,
    bounded in time, on the chosen links only.
  - L{report}: text and JSON; pure.

This package imports nothing on purpose, so that importing a pure module
of it loads no reactor.
"""

__all__: list[str] = []
