# -*- test-case-name: tests.media.test_contentdirectory -*-
"""
ConnectionManager:1 of a MediaServer serving over HTTP GET: every
protocolInfo it serves, and the one connection (id 0) HTTP GET needs.
"""

from __future__ import annotations

from coherence_lite.backend.declare import ServiceBackend, action, stateVariable
from coherence_lite.errors import UPnPError
from coherence_lite.media.dlna import SERVED_PROTOCOL_INFOS

__all__ = ["ConnectionManager"]


class ConnectionManager(ServiceBackend):
    """
    The ConnectionManager:1 service of a MediaServer.
    """

    serviceType = "urn:schemas-upnp-org:service:ConnectionManager:1"
    serviceId = "urn:upnp-org:serviceId:ConnectionManager"

    SourceProtocolInfo = stateVariable("string", ",".join(SERVED_PROTOCOL_INFOS))
    SinkProtocolInfo = stateVariable("string", "")
    CurrentConnectionIDs = stateVariable("string", "0")
    A_ARG_TYPE_ConnectionStatus = stateVariable(
        "string", "OK", sendEvents=False,
        allowedValues=("OK", "ContentFormatMismatch", "InsufficientBandwidth", "UnreliableChannel", "Unknown"),
    )
    A_ARG_TYPE_ConnectionManager = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Direction = stateVariable("string", "Output", sendEvents=False, allowedValues=("Input", "Output"))
    A_ARG_TYPE_ProtocolInfo = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_ConnectionID = stateVariable("i4", sendEvents=False)
    A_ARG_TYPE_AVTransportID = stateVariable("i4", sendEvents=False)
    A_ARG_TYPE_RcsID = stateVariable("i4", sendEvents=False)

    @action(outputs={"Source": "SourceProtocolInfo", "Sink": "SinkProtocolInfo"})
    def GetProtocolInfo(self) -> None:
        """
        What we serve (Source) and render (Sink: nothing).
        """

    @action(outputs={"ConnectionIDs": "CurrentConnectionIDs"})
    def GetCurrentConnectionIDs(self) -> None:
        """
        The connections: C{0} only, as HTTP GET has no others.
        """

    @action(
        inputs={"ConnectionID": "A_ARG_TYPE_ConnectionID"},
        outputs={
            "RcsID": "A_ARG_TYPE_RcsID",
            "AVTransportID": "A_ARG_TYPE_AVTransportID",
            "ProtocolInfo": "A_ARG_TYPE_ProtocolInfo",
            "PeerConnectionManager": "A_ARG_TYPE_ConnectionManager",
            "PeerConnectionID": "A_ARG_TYPE_ConnectionID",
            "Direction": "A_ARG_TYPE_Direction",
            "Status": "A_ARG_TYPE_ConnectionStatus",
        },
    )
    def GetCurrentConnectionInfo(self, ConnectionID: int) -> dict[str, object]:
        """
        The connection C{0}: output to anyone; any other id is 706.
        """
        if ConnectionID != 0:
            raise UPnPError(706, "Invalid connection reference")
        return {
            "RcsID": -1,
            "AVTransportID": -1,
            "ProtocolInfo": "",
            "PeerConnectionManager": "",
            "PeerConnectionID": -1,
            "Direction": "Output",
            "Status": "OK",
        }
