"""
Tests for L{coherence_lite.controlpoint.scpd}: service descriptions read
back into the device model's actions and state variables.
"""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from coherence_lite.controlpoint.scpd import MAX_ACTIONS, SCPD, SCPDError, parseSCPD
from coherence_lite.model.description import SERVICE_NAMESPACE, serviceDescription
from coherence_lite.model.device import Action, AllowedValueRange, Argument, Service, StateVariable

SWITCH = Service(
    serviceType="urn:schemas-upnp-org:service:SwitchPower:1",
    serviceId="urn:upnp-org:serviceId:SwitchPower",
    actions=(
        Action("SetTarget", (Argument("newTargetValue", "in", "Target"),)),
        Action("GetStatus", (Argument("ResultStatus", "out", "Status"),)),
    ),
    stateVariables=(
        StateVariable("Target", "boolean", defaultValue="0"),
        StateVariable("Status", "boolean", sendEvents=True, defaultValue="0"),
        StateVariable("Mode", "string", allowedValues=("A", "B")),
        StateVariable("Level", "ui1", allowedValueRange=AllowedValueRange("0", "100", "5")),
    ),
)


def scpd(body: str, attributes: str = f'xmlns="{SERVICE_NAMESPACE}"') -> bytes:
    """
    An SCPD document around C{body}.
    """
    return f"<?xml version='1.0'?><scpd {attributes}><specVersion><major>1</major><minor>0</minor></specVersion>{body}</scpd>".encode()


class ParseSCPDTests(SynchronousTestCase):
    """
    L{parseSCPD}.
    """

    def test_hostsOwnDocumentReadsBackAsTheModel(self) -> None:
        """
        The SCPD the host writes for a service parses back into the same
        actions and state variables, with its configId and specVersion.
        """
        result = parseSCPD(serviceDescription(SWITCH, 42))
        assert isinstance(result, SCPD), result
        self.assertEqual(result.actions, SWITCH.actions)
        self.assertEqual(result.stateVariables, SWITCH.stateVariables)
        self.assertEqual((result.configId, result.specVersion, result.namespace), (42, (1, 1), SERVICE_NAMESPACE))
        self.assertEqual(result.problems, ())
        self.assertEqual([v.name for v in result.evented()], ["Status"])
        self.assertEqual(result.action("GetStatus"), SWITCH.actions[1])
        self.assertIsNone(result.action("Nope"))
        self.assertEqual(result.variable("Mode"), SWITCH.stateVariables[2])

    def test_noNamespaceIsRead(self) -> None:
        """
        A document without a namespace is read, and sendEvents defaults to
        yes as UDA says.
        """
        result = parseSCPD(scpd("<serviceStateTable><stateVariable><name>X</name><dataType>i4</dataType></stateVariable></serviceStateTable>", ""))
        assert isinstance(result, SCPD), result
        self.assertIsNone(result.namespace)
        self.assertEqual(result.stateVariables, (StateVariable("X", "i4", sendEvents=True),))

    def test_badVariableAndActionLeftOutWithReason(self) -> None:
        """
        A variable of an unknown data type and an action whose argument
        names no variable are left out, each with a problem saying why.
        """
        result = parseSCPD(
            scpd(
                "<actionList><action><name>Get</name><argumentList><argument><name>A</name>"
                "<direction>out</direction><relatedStateVariable>Gone</relatedStateVariable></argument>"
                "</argumentList></action></actionList><serviceStateTable>"
                "<stateVariable sendEvents='no'><name>Gone</name><dataType>wibble</dataType></stateVariable>"
                "</serviceStateTable>"
            )
        )
        assert isinstance(result, SCPD), result
        self.assertEqual((result.actions, result.stateVariables), ((), ()))
        self.assertEqual(len(result.problems), 2)
        self.assertIn("wibble", result.problems[0])
        self.assertIn("Gone", result.problems[1])

    def test_notAnSCPD(self) -> None:
        """
        Malformed XML, a DTD and a document that is not <scpd> are errors.
        """
        self.assertIsInstance(parseSCPD(b"<scpd>"), SCPDError)
        self.assertIsInstance(parseSCPD(b'<!DOCTYPE x [<!ENTITY a "b">]><scpd/>'), SCPDError)
        self.assertEqual(parseSCPD(b"<root/>"), SCPDError("the document element is <root>, not <scpd>"))

    def test_tooManyActions(self) -> None:
        """
        More than L{MAX_ACTIONS} actions refuse the document.
        """
        body = "<actionList>" + "<action><name>A</name></action>" * (MAX_ACTIONS + 1) + "</actionList>"
        self.assertEqual(parseSCPD(scpd(body)), SCPDError(f"more than {MAX_ACTIONS} actions"))

    def test_tooLarge(self) -> None:
        """
        A document over the size cap is refused before parsing.
        """
        self.assertIsInstance(parseSCPD(b" " * 11 + b"<scpd/>", maxSize=10), SCPDError)
