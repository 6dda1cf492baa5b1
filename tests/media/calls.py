"""
Calling a ContentDirectory backend in-process, the way the control resource
does: the tests' C{call} and C{browse}.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from coherence_lite.backend.request import localAddress
from coherence_lite.media.contentdirectory import ContentDirectory

__all__ = ["ContentDirectoryCalls"]


class ContentDirectoryCalls:
    """
    A test case mixin for one whose C{backend} is a L{ContentDirectory}.
    """

    backend: ContentDirectory

    async def call(self, name: str, **arguments: Any) -> dict[str, Any]:
        """
        Invoke an action as the control resource does, from 127.0.0.1:8200.
        """
        token = localAddress.set(("127.0.0.1", 8200))
        try:
            answer = self.backend.runtime.invoke(name, arguments)
        finally:
            localAddress.reset(token)
        return await answer

    async def browse(self, objectId: str, flag: str = "BrowseDirectChildren", start: int = 0, count: int = 0,
                     sort: str = "", filterText: str = "*") -> tuple[list[ET.Element], dict[str, Any]]:
        """
        Browse; return the DIDL objects and the out-arguments.
        """
        answer = await self.call("Browse", ObjectID=objectId, BrowseFlag=flag, Filter=filterText,
                                 StartingIndex=start, RequestedCount=count, SortCriteria=sort)
        return list(ET.fromstring(answer["Result"])), answer
