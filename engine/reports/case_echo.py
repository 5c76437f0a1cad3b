"""What the clinician recorded, echoed at the top of every report (docs/clinical-basis.md, section 9: reports echo all
inputs): the patient and their running volume, the visit, the complaint, conditions, red flags and screens.
Built from the Assessment's own copy of the case, so every report is a function of the Assessment alone."""

from __future__ import annotations

from typing import Any

from engine.numbers import number_text


def patient_line(patient: dict[str, Any]) -> str:
    """'age 34, female, 45 km/week (was 30 four weeks ago, +50 %)'."""
    parts = [f"age {number_text(patient['age'])}" if "age" in patient else "", str(patient.get("sex", ""))]
    if "weekly_km" in patient:
        volume = f"{number_text(patient['weekly_km'])} km/week"
        before = patient.get("weekly_km_before")
        if before is not None:
            percent = round(100 * (patient["weekly_km"] - before) / before) if before else None
            change = f", {percent:+d} %" if percent is not None else ", new or returning"
            volume += f" (was {number_text(before)} four weeks ago{change})"
        parts.append(volume)
    return ", ".join(part for part in parts if part)


def complaint_lines(case: dict[str, Any]) -> list[str]:
    """One line per symptom: site, side, weeks, severity, onset (an absent onset is said to be read as gradual)."""
    lines = []
    for symptom in case.get("symptoms", []):
        details = [f"{number_text(symptom['weeks'])} weeks" if "weeks" in symptom else "weeks not recorded"]
        details.append(f"pain {number_text(symptom['severity'])}/10" if "severity" in symptom else "no pain rating")
        details.append(f"{symptom['onset']} onset" if "onset" in symptom else "onset not recorded (read as gradual)")
        lines.append(f"{symptom['site']} - {symptom['side']}: {', '.join(details)}")
    return lines


def _sided(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{side} {number_text(v) if not isinstance(v, str) else v}" for side, v in value.items())
    return number_text(value) if not isinstance(value, str) else value


def recorded_lines(case: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for conditions, red flags and screens as recorded; 'none recorded' where empty."""
    flags = case.get("red_flags") or []
    flag_text = ", ".join(f"{f} ({s})" for f, s in flags.items()) if isinstance(flags, dict) else ", ".join(flags)
    screens = "; ".join(f"{name} {_sided(value)}" for name, value in (case.get("screening") or {}).items())
    outcomes = "; ".join(f"{name} {_sided(value)}" for name, value in (case.get("outcomes") or {}).items())
    rows = [
        ("Conditions", ", ".join(case.get("conditions", [])) or "none recorded"),
        ("Red flags", flag_text or "none recorded"),
        ("Screens", screens or "none recorded"),
    ]
    return rows + ([("Outcomes", outcomes)] if outcomes else [])


def echo_html(a: Any, escape: Any) -> str:
    """The case as recorded, as an HTML section (every text escaped by the caller's `escape`)."""
    recorded = "".join(f"<li><b>{escape(label)}:</b> {escape(text)}</li>" for label, text in recorded_lines(a.case))
    lines = complaint_lines(a.case)
    complaint = "".join(f"<li>{escape(line)}</li>" for line in lines) or "<li>no complaint recorded</li>"
    return (
        '<section id="case"><h2>The case as recorded</h2><ul>'
        + (f"<li><b>Runner:</b> {escape(patient_line(a.patient))}</li>" if a.patient else "")
        + (f"<li><b>Visit:</b> {escape(a.visit_date)}</li>" if a.visit_date else "")
        + f"<li><b>Complaint:</b><ul>{complaint}</ul></li>{recorded}</ul></section>"
    )
