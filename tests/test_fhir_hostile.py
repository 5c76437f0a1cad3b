"""FHIR data as a broken or hostile EHR sends it: whatever one element of a Bundle, a resource or a CDS Hooks
prefetch holds, the mapping reports what it could not use (an issue naming the element) and never fails with an
error of its own; data it could not read stays out of the case, so what that data gates stays held."""

from __future__ import annotations

import json

import pytest
from _service import FHIR_EXAMPLES, load_example
from _support import JSON_VALUES, json_points, mutated
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Engine
from engine.commands import main
from engine.errors import CaseError
from engine.fhir import fhir_to_case

ENGINE = Engine()
VOCABULARY = ENGINE.rulebase.vocabulary
HOOK = "hook-patient-view-red-flag-achilles-rupture.fhir.json"
RAYNAUDS = "contraindication-raynauds.fhir.json"


def _mapped(document: dict):
    """What the mapping makes of a Bundle or resource, or of a hook call's prefetch."""
    is_hook = "prefetch" in document and "resourceType" not in document
    return fhir_to_case(document["prefetch"] if is_hook else document, VOCABULARY)


def _issues(mapped, text: str) -> list[tuple[str, str | None]]:
    return [(issue.severity, issue.expression) for issue in mapped.issues if text in issue.diagnostics]


@pytest.mark.parametrize("field", ["entry", "link"])
@pytest.mark.parametrize("value", [1, "observations", {"resource": {}}, True])
def test_a_bundle_whose_entry_or_link_is_not_a_list_is_an_issue_naming_it(field, value):
    """Found by the service's fuzz test: `entry: 1` in a prefetch Bundle was a TypeError, so a 500."""
    request = load_example(HOOK)
    request["prefetch"]["observations"][field] = value
    mapped = _mapped(request)
    assert _issues(mapped, f"Bundle.{field} must be a list") == [("error", f"prefetch.observations.{field}")]
    assert "measurements" not in mapped.case  # nothing from that Bundle is read, so nothing gated is released


@pytest.mark.parametrize(
    ("path", "element"),
    [
        (("code",), "code"),  # required: fhir.resources accepts null for it, and the reader found no code
        (("code", "coding", 0, "system"), "code.coding[0].system"),
        (("status",), "status"),
    ],
)
def test_a_resource_with_a_null_element_is_an_issue_naming_it_and_is_not_read(path, element):
    bundle = load_example(RAYNAUDS)
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation")
    broken = mutated(bundle, ("entry", index, "resource", *path), None)
    mapped = _mapped(broken)
    assert _issues(mapped, f"Observation: {element} is null") == [("error", f"Bundle.entry[{index}].resource")]
    assert mapped.case != _mapped(bundle).case  # what that Observation said is not in the case


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("code", "coding", 0, "code"), "code.coding[0].code holds a control character"),
        (("code", "text"), "code.text holds a control character"),
        (("code", "bad\x00key"), "code has a key with a control character"),
    ],
)
def test_a_control_character_in_a_resource_is_an_issue_that_does_not_echo_it(path, message):
    """FHIR strings exclude control characters but tab and line ends; one was echoed into a card's text, which a
    PostgreSQL audit store cannot hold (a 500)."""
    bundle = load_example(RAYNAUDS)
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation")
    mapped = _mapped(mutated(bundle, ("entry", index, "resource", *path), "zz\x00\x07"))
    assert _issues(mapped, message) == [("error", f"Bundle.entry[{index}].resource")]
    assert not any("\x00" in issue.diagnostics or "\x07" in issue.diagnostics for issue in mapped.issues)
    tabbed = _mapped(mutated(bundle, ("entry", index, "resource", "code", "text"), "line one\n\tline two"))
    assert not _issues(tabbed, "control character")  # tab and line ends are FHIR string characters


def test_the_cli_reports_a_null_element_on_stderr_without_a_traceback(tmp_path):
    bundle = load_example(RAYNAUDS)
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Observation")
    path = tmp_path / "broken.fhir.json"
    path.write_text(json.dumps(mutated(bundle, ("entry", index, "resource", "code"), None)))
    result = CliRunner().invoke(main, ["fhir-to-case", str(path)])
    assert result.exit_code == 0 and result.exception is None, result.exception  # the case, less that Observation
    assert f"Bundle.entry[{index}].resource: not a valid FHIR R4 Observation: code is null" in result.stderr


DOCUMENTS = {path.name: load_example(path.name) for path in sorted(FHIR_EXAMPLES.glob("*.fhir.json"))}
#: Every element of every example (Bundles, resources, hook calls), and a key that no example has.
POINTS = [(name, point) for name, document in DOCUMENTS.items() for point in json_points(document)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point=st.sampled_from(POINTS), value=JSON_VALUES)
def test_any_one_broken_element_is_reported_never_an_error_of_the_engine(point, value):
    """Found this way: `"code": null` in an Observation was an AttributeError (a traceback from fhir-to-case, a
    500 from the service)."""
    name, path = point
    mapped = _mapped(mutated(DOCUMENTS[name], path, value))
    try:
        ENGINE.assess(mapped.case)
    except CaseError as error:  # a value the contract refuses (e.g. -1 km a week): the service's 422, naming it
        assert error.field, error


def test_the_volume_4_weeks_ago_is_left_out_with_an_issue_when_todays_could_not_be_read():
    """Found by the property above: the call was refused (422) for 'weekly_km_before needs weekly_km', which hid
    both the real problem (an unreadable Observation) and every card, red-flag referrals included."""
    request = load_example("hook-patient-view-screen-first-calf-pain-after-flight.fhir.json")
    entries = request["prefetch"]["observations"]["entry"]
    codes = [{c["code"] for c in e["resource"]["code"]["coding"]} for e in entries]
    today = next(i for i, found in enumerate(codes) if "weekly-running-km" in found)
    assert "weekly_km_before" in _mapped(request).case["patient"]
    mapped = _mapped(mutated(request, ("prefetch", "observations", "entry", today, "resource", "status"), None))
    assert "weekly_km" not in mapped.case["patient"] and "weekly_km_before" not in mapped.case["patient"]
    assert _issues(mapped, "weekly_km_before is left out: it is read against weekly_km") == [("warning", None)]
    assert ENGINE.assess(mapped.case).status  # the rest is assessed
