# -*- test-case-name: tests.model.test_device -*-
"""
What a UPnP device is, as pure data: the device tree, data types, documents and device files.
"""

__all__: list[str] = []
