"""CDS Hooks 2.0 feedback against a real server: accepted and overridden outcomes stored with their override
reasons and read back, tied to the card's uuid; bad feedback refused."""

from __future__ import annotations

import copy
import uuid

import pytest
from _service import ENCOUNTER_START, PATIENT_VIEW, RED_FLAG, cards_of, hook_call, module_server

server, client = module_server("feedback")


def test_feedback_is_stored_with_override_reasons_and_read_back(client):
    call = hook_call(RED_FLAG)
    cards = cards_of(client.post(PATIENT_VIEW, json=call))
    critical = next(c for c in cards if c["indicator"] == "critical")
    reason = copy.deepcopy(critical["overrideReasons"][1])
    feedback = {
        "feedback": [
            {
                "card": critical["uuid"],
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": critical["suggestions"][0]["uuid"]}],
                "outcomeTimestamp": "2026-11-25T10:05:31Z",
            },
            {
                "card": critical["uuid"],
                "outcome": "overridden",
                "overrideReason": {"reason": reason, "userComment": "seen"},
                "outcomeTimestamp": "2026-11-25T10:06:00Z",
            },
        ]
    }
    response = client.post(f"{PATIENT_VIEW}/feedback", json=feedback)
    assert response.status_code == 200, response.text
    records = client.get("/audit/records", params={"request_id": call["hookInstance"]}).json()["records"]
    assert len(records) == 1
    detail = client.get(f"/audit/records/{records[0]['id']}").json()
    stored = detail["feedback"]
    assert [f["outcome"] for f in stored] == ["accepted", "overridden"]
    assert stored[0]["accepted_suggestions"] == [critical["suggestions"][0]["uuid"]]
    assert stored[1]["override_code"] == reason["code"] and stored[1]["user_comment"] == "seen"
    assert stored[1]["outcome_timestamp"] == "2026-11-25T10:06:00Z" and stored[1]["received_at"]
    assert {c["uuid"] for c in detail["cards"]} == {c["uuid"] for c in cards}


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ({"card": str(uuid.uuid4()), "outcome": "overridden", "outcomeTimestamp": "2026-11-25T10:00:00Z"}, 404),
        ({"card": "CARD", "outcome": "accepted", "outcomeTimestamp": "2026-11-25T10:00:00Z"}, 400),
        (
            {
                "card": "CARD",
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": "not-a-suggestion"}],
                "outcomeTimestamp": "2026-11-25T10:00:00Z",
            },
            400,
        ),
        ({"card": "CARD", "outcome": "overridden", "outcomeTimestamp": "yesterday"}, 400),
        ({"card": "CARD", "outcome": "ignored", "outcomeTimestamp": "2026-11-25T10:00:00Z"}, 400),
    ],
    ids=["unknown-card", "accepted-without-suggestions", "foreign-suggestion", "bad-timestamp", "bad-outcome"],
)
def test_bad_feedback_is_refused(client, item, status):
    cards = cards_of(client.post(PATIENT_VIEW, json=hook_call(RED_FLAG)))
    item = {**item, "card": cards[0]["uuid"] if item["card"] == "CARD" else item["card"]}
    response = client.post(f"{PATIENT_VIEW}/feedback", json={"feedback": [item]})
    assert response.status_code == status, response.text
    assert response.json()["resourceType"] == "OperationOutcome"


def test_feedback_for_a_card_of_another_service_is_refused(client):
    cards = cards_of(client.post(PATIENT_VIEW, json=hook_call(RED_FLAG)))
    item = {"card": cards[0]["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-25T10:00:00Z"}
    assert client.post(f"{ENCOUNTER_START}/feedback", json={"feedback": [item]}).status_code == 404
