# -*- test-case-name: tests.media -*-
"""
The MediaServer: a library index of media folders (sqlite), its scanner and
watcher, the pure DIDL-Lite writer and SearchCriteria grammar, the
ContentDirectory:1 and ConnectionManager:1 backends and the streaming
resource.  This package file imports nothing.
"""

__all__: list[str] = []
