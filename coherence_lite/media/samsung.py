# -*- test-case-name: tests.media.test_quirks -*-
"""
Samsung's ContentDirectory extensions: C{X_GetFeatureList} (the
containers holding audio, video and pictures, asked before anything else;
a fault makes the TV drop the server) and C{X_SetBookmark} (a resume
position, accepted).
"""

from __future__ import annotations

from twisted.logger import Logger

from coherence_lite.backend.declare import ServiceBackend, action, stateVariable
from coherence_lite.model.extension import Extension

__all__ = ["FEATURE_LIST", "PRODUCT_CAPS", "SEC_DEVICE_NAMESPACE", "SamsungActions"]

log = Logger()

#: The namespace of Samsung's device description elements.
SEC_DEVICE_NAMESPACE = "http://www.sec.co.kr/dlna"

#: What the server does of Samsung's extensions, as its TVs read it from
#: the description (older ones from C{X_ProductCap}): C{DCM10}, the
#: bookmarks of X_SetBookmark.
PRODUCT_CAPS = tuple(Extension(SEC_DEVICE_NAMESPACE, "sec", name, "DCM10") for name in ("ProductCap", "X_ProductCap"))

#: The namespace of the Features document.
FEATURES_NAMESPACE = "urn:schemas-upnp-org:av:avs"

#: The Features document: Samsung's BASICVIEW names, for each kind of item,
#: the container to browse for it (the root: a Search there by class finds
#: them all).
FEATURE_LIST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Features xmlns="{FEATURES_NAMESPACE}">'
    '<Feature name="samsung.com_BASICVIEW" version="1">'
    '<container id="0" type="object.item.audioItem"/>'
    '<container id="0" type="object.item.videoItem"/>'
    '<container id="0" type="object.item.imageItem"/>'
    "</Feature>"
    "</Features>"
)


class SamsungActions(ServiceBackend):
    """
    The actions Samsung TVs and phones call on a ContentDirectory (mixed
    into it: the state variables and actions join its SCPD).
    """

    A_ARG_TYPE_Featurelist = stateVariable("string", FEATURE_LIST, sendEvents=False)
    A_ARG_TYPE_CategoryType = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_RID = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_PosSec = stateVariable("ui4", sendEvents=False)

    @action(outputs={"FeatureList": "A_ARG_TYPE_Featurelist"})
    def X_GetFeatureList(self) -> None:
        """
        The Features document (L{FEATURE_LIST}).
        """

    @action(
        inputs={
            "CategoryType": "A_ARG_TYPE_CategoryType",
            "RID": "A_ARG_TYPE_RID",
            "ObjectID": "A_ARG_TYPE_ObjectID",
            "PosSecond": "A_ARG_TYPE_PosSec",
        }
    )
    def X_SetBookmark(self, CategoryType: str, RID: str, ObjectID: str, PosSecond: int) -> None:
        """
        Accept a resume position (not kept: the index has no place for it).
        """
        log.debug("Bookmark of {objectId} at {position}s accepted", objectId=ObjectID[:64], position=PosSecond)
