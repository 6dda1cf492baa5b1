# -*- test-case-name: tests.conformance.test_rules -*-
"""
The control rules of the checker: pure functions over a device's answers
to the probe's SOAP calls, read with the host's own parser
(L{coherence_lite.control.message.parseResponse}) and checked with the
host's own types (L{coherence_lite.model.types}).
"""

from __future__ import annotations

from coherence_lite.conformance.description_rules import Fetched
from coherence_lite.conformance.findings import Finding, finding
from coherence_lite.control.message import SOAP_ENVELOPE_NS, ActionResponse, ControlError, SOAPAction, parseResponse
from coherence_lite.controlpoint.scpd import SCPD
from coherence_lite.errors import UPnPError
from coherence_lite.model.device import Action
from coherence_lite.model.codecs import decodeArgument
from coherence_lite.model.types import DataTypeError
from coherence_lite.model.xmlparse import XMLError, parseXML

__all__ = ["UNKNOWN_ACTION", "faultProblems", "checkReadOnly", "checkInvalidArgs", "checkInvalidAction"]

#: The action the probe calls to see a 401.
UNKNOWN_ACTION = "CoherenceLiteNoSuchAction"

_FAULT = f"{{{SOAP_ENVELOPE_NS}}}Fault"


def _faultShape(body: bytes) -> list[str]:
    """
    What is wrong with the C{faultcode} and C{faultstring} of a SOAP
    fault body.
    """
    root = parseXML(body, 65536, lenient=True)
    if isinstance(root, XMLError):
        return [f"the fault is not XML ({root.reason})"]
    fault = next(root.iter(_FAULT), None)
    if fault is None:
        return ["no s:Fault in the answer"]
    problems = []
    code = (fault.findtext("faultcode") or "").strip()
    if code.rpartition(":")[2] != "Client":
        problems.append(f"faultcode {code[:40]!r}, not s:Client")
    text = (fault.findtext("faultstring") or "").strip()
    if text != "UPnPError":
        problems.append(f"faultstring {text[:40]!r}, not UPnPError")
    return problems


def faultProblems(fetched: Fetched, serviceType: str, actionName: str, expected: int) -> list[str]:
    """
    What is wrong with an answer that should be a fault of code
    C{expected}: the status, the Content-Type, the fault's shape, and the
    UPnPError detail.
    """
    reply = fetched.reply
    if reply is None:
        return [f"no answer: {fetched.error}"]
    if reply.code == 200:
        return ["the call succeeded (HTTP 200)"]
    problems = [] if reply.code == 500 else [f"HTTP status {reply.code}, not 500"]
    mediaType = (reply.header("content-type") or "").split(";", 1)[0].strip().lower()
    if mediaType not in ("text/xml", "application/xml"):
        problems.append(f"Content-Type {reply.header('content-type')!r}, not text/xml")
        return problems
    problems += _faultShape(reply.body)
    parsed = parseResponse(reply.body, SOAPAction(serviceType, actionName))
    if isinstance(parsed, ControlError):
        problems.append(f"a fault without a usable UPnPError detail ({parsed.reason})")
    elif isinstance(parsed, ActionResponse):
        problems.append("a successful response instead of a fault")
    elif parsed.code != expected:
        problems.append(f"errorCode {parsed.code} ({parsed.description}), not {expected}")
    return problems


def checkReadOnly(serviceType: str, subject: str, action: Action, scpd: SCPD, fetched: Fetched) -> Finding:
    """
    control.read-only: a call of C{action} (no in-arguments) answered 200
    with each out-argument, in order, each a valid value of its variable.
    """
    subject = f"{subject} {action.name}"
    reply = fetched.reply
    if reply is None:
        return finding("control.read-only", [f"no answer: {fetched.error}"], "", subject)
    parsed = parseResponse(reply.body, SOAPAction(serviceType, action.name))
    if isinstance(parsed, UPnPError):
        return finding("control.read-only", [f"fault {parsed.code} ({parsed.description})"], "", subject)
    if reply.code != 200 or isinstance(parsed, ControlError):
        reason = parsed.reason if isinstance(parsed, ControlError) else "not a SOAP response"
        return finding("control.read-only", [f"HTTP status {reply.code}: {reason}"], "", subject)
    sent = dict(parsed.arguments)
    outputs = [argument for argument in action.arguments if argument.direction == "out"]
    problems = []
    for argument in outputs:
        variable = scpd.variable(argument.relatedStateVariable)
        if argument.name not in sent:
            problems.append(f"no out-argument {argument.name}")
        elif variable is not None:
            try:
                decodeArgument(variable, sent[argument.name])
            except DataTypeError as e:
                problems.append(f"{argument.name}: {e.reason} ({variable.dataType})")
    names = [name for name, _ in parsed.arguments]
    warnings = []
    if not problems and names != [argument.name for argument in outputs]:
        warnings.append(f"out-arguments sent as {names[:8]}, the SCPD lists {[a.name for a in outputs][:8]}")
    shown = ", ".join(f"{name}={text[:40]}" for name, text in parsed.arguments[:6])
    return finding("control.read-only", problems, shown or "no out-arguments", subject, warnings)


def checkInvalidArgs(serviceType: str, subject: str, actionName: str, fetched: Fetched) -> Finding:
    """
    control.invalid-args: a call of C{actionName} without its in-arguments
    got fault 402.
    """
    problems = faultProblems(fetched, serviceType, actionName, 402)
    return finding("control.invalid-args", problems, "fault 402", f"{subject} {actionName}")


def checkInvalidAction(serviceType: str, subject: str, fetched: Fetched) -> Finding:
    """
    control.invalid-action: a call of L{UNKNOWN_ACTION} got fault 401.
    """
    problems = faultProblems(fetched, serviceType, UNKNOWN_ACTION, 401)
    return finding("control.invalid-action", problems, "fault 401", subject)
