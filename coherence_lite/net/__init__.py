# -*- test-case-name: tests.net.test_interfaces -*-
"""
What the host needs of the operating system's network side.

  - L{interfaces}: the machine's interfaces and the links (address and
    networks) the host serves.
  - L{watcher}: noticing interfaces and addresses that appear, change or go.
  - L{reactor}: the one type for "a reactor" the services are given.

This package imports nothing on purpose.
"""

__all__: list[str] = []
