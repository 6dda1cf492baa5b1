# -*- test-case-name: tests.host.test_service -*-
"""
The device host's composition root and its OS integration (C{twistd upnp-device}, reload, systemd).
"""

__all__: list[str] = []
