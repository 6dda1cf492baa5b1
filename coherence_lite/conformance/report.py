# -*- test-case-name: tests.conformance.test_rules -*-
"""
The checker's findings for people and programs: text grouped by section,
each problem with the rule it breaks and where the rule comes from, or
JSON; and the exit status (1 on any FAIL).

Pure.  Every text that came from the device goes through
L{coherence_lite.model.xmltext.safeText}.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from coherence_lite.conformance.findings import FAIL, LEVELS, PASS, RULES, WARN, Finding
from coherence_lite.model.xmltext import safeText

__all__ = ["SECTIONS", "exitStatus", "counts", "notChecked", "formatText", "formatJSON"]

#: The sections, in report order.
SECTIONS = ("ssdp", "description", "control", "eventing", "media", "quirks")

#: What each level of a quirk finding says.
_HANDLED = {PASS: "handled", WARN: "not handled", FAIL: "not handled, against a standard"}


def exitStatus(findings: Sequence[Finding]) -> int:
    """
    1 when any finding is a FAIL, else 0.
    """
    return 1 if any(f.level == FAIL for f in findings) else 0


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """
    How many findings of each level.
    """
    return {level: sum(1 for f in findings if f.level == level) for level in LEVELS}


def notChecked(findings: Sequence[Finding]) -> list[str]:
    """
    The rules no finding is about (nothing to check them on); the
    MediaServer rules only when some of them were checked (the device has
    a ContentDirectory), and so the quirk rules.
    """
    seen = {f.rule for f in findings}
    media = any(RULES[rule].section == "media" for rule in seen)
    return [rule for rule in RULES if rule not in seen and (media or RULES[rule].section not in ("media", "quirks"))]


def formatText(findings: Sequence[Finding], title: str, verbose: bool = False) -> str:
    """
    The report as text: a title line, then per section one line per
    finding (problems first; passes only with C{verbose}, else counted,
    except in the quirks section, which says of each quirk whether it is
    handled), the rule and its source under each WARN and FAIL, and a
    summary.
    """
    lines = [safeText(title, 300)]
    for section in SECTIONS:
        mine = [f for f in findings if RULES[f.rule].section == section]
        if not mine:
            continue
        lines.append("")
        quirks = section == "quirks"
        lines.append("quirks (what real clients need beyond the spec):" if quirks else f"{section}:")
        order = {FAIL: 0, WARN: 1, PASS: 2}
        for f in sorted(mine, key=lambda f: order[f.level]):
            if f.level == PASS and not (verbose or quirks):
                continue
            subject = f" [{safeText(f.subject, 120)}]" if f.subject else ""
            handled = f"{_HANDLED[f.level]}: " if quirks else ""
            lines.append(f"  {f.level} {f.rule}{subject}: {handled}{safeText(f.seen, 600)}")
            if f.level != PASS:
                lines.append(f"       rule: {f.statement} ({f.source})")
        passed = sum(1 for f in mine if f.level == PASS)
        if passed and not (verbose or quirks):
            lines.append(f"  PASS {passed} other check(s)")
    total = counts(findings)
    lines.append("")
    lines.append(f"{total[PASS]} passed, {total[WARN]} warnings, {total[FAIL]} failed")
    skipped = notChecked(findings)
    if skipped:
        lines.append(f"not checked (nothing to check them on): {', '.join(skipped)}")
    return "\n".join(lines) + "\n"


def formatJSON(reports: Sequence[tuple[Sequence[Finding], dict[str, object]]]) -> str:
    """
    The report as one JSON object: per device (described by its dict) the
    findings, the counts, the rules not checked and the quirks (each
    quirk finding's rule, subject, whether it is handled and what was
    seen); and the overall status (C{fail} when any finding failed).
    """
    devices = [
        {
            "device": device,
            "findings": [f.asDict() for f in findings],
            "counts": counts(findings),
            "notChecked": notChecked(findings),
            "quirks": [
                {"rule": f.rule, "subject": f.subject, "handled": f.level == PASS, "level": f.level, "seen": f.seen}
                for f in findings if RULES[f.rule].section == "quirks"
            ],
        }
        for findings, device in reports
    ]
    failed = any(exitStatus(findings) for findings, _ in reports)
    return json.dumps({"devices": devices, "status": "fail" if failed else "pass"}, indent=2) + "\n"
