# -*- test-case-name: tests.media.test_quirks -*-
"""
Microsoft's X_MS_MediaReceiverRegistrar:1, which an Xbox 360 and Windows
Media Player ask before they browse: every device is authorised and
validated, and a registration is answered empty.
"""

from __future__ import annotations

from coherence_lite.backend.declare import ServiceBackend, action, stateVariable

__all__ = ["MediaReceiverRegistrar"]


class MediaReceiverRegistrar(ServiceBackend):
    """
    The X_MS_MediaReceiverRegistrar:1 service: open to every device.
    """

    serviceType = "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"
    serviceId = "urn:microsoft.com:serviceId:X_MS_MediaReceiverRegistrar"

    A_ARG_TYPE_DeviceID = stateVariable("string", sendEvents=False)
    A_ARG_TYPE_Result = stateVariable("int", 1, sendEvents=False)
    A_ARG_TYPE_RegistrationReqMsg = stateVariable("bin.base64", b"", sendEvents=False)
    A_ARG_TYPE_RegistrationRespMsg = stateVariable("bin.base64", b"", sendEvents=False)
    AuthorizationGrantedUpdateID = stateVariable("ui4", 0)
    AuthorizationDeniedUpdateID = stateVariable("ui4", 0)
    ValidationSucceededUpdateID = stateVariable("ui4", 0)
    ValidationRevokedUpdateID = stateVariable("ui4", 0)

    @action(inputs={"DeviceID": "A_ARG_TYPE_DeviceID"}, outputs={"Result": "A_ARG_TYPE_Result"})
    def IsAuthorized(self, DeviceID: str) -> dict[str, object]:
        """
        Every device is authorised: 1.
        """
        return {"Result": 1}

    @action(inputs={"DeviceID": "A_ARG_TYPE_DeviceID"}, outputs={"Result": "A_ARG_TYPE_Result"})
    def IsValidated(self, DeviceID: str) -> dict[str, object]:
        """
        Every device is validated: 1.
        """
        return {"Result": 1}

    @action(
        inputs={"RegistrationReqMsg": "A_ARG_TYPE_RegistrationReqMsg"},
        outputs={"RegistrationRespMsg": "A_ARG_TYPE_RegistrationRespMsg"},
    )
    def RegisterDevice(self, RegistrationReqMsg: bytes) -> dict[str, object]:
        """
        A registration is answered empty.
        """
        return {"RegistrationRespMsg": b""}
