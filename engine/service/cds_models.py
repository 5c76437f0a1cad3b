"""The CDS Hooks 2.0 JSON shapes (specification/current.md) as pydantic models: requests are validated with them,
every card is validated before it leaves, and the tests check responses against them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Text(BaseModel):
    """No text field holds a NUL character: no CDS Hooks or FHIR string may (FHIR strings exclude every control
    character but tab and line ends), and PostgreSQL cannot store one (a feedback comment or a hookInstance
    with one was a 500 on a PostgreSQL audit store)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value


class _Open(_Text):
    """Spec objects may carry `extension` and other fields a later version adds."""

    model_config = ConfigDict(extra="allow")


class _Closed(_Text):
    model_config = ConfigDict(extra="forbid")


class Coding(_Closed):
    system: str | None = None
    code: str
    display: str | None = None


class OverrideCoding(Coding):
    display: str  # "the CDS Service MUST populate a display value for each reason's Coding"


class Source(_Closed):
    label: str
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Closed):
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _resource_for_create(self) -> Action:
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"a {self.type} action needs a resource")
        return self


class Suggestion(_Closed):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = None


class Link(_Closed):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None
    autolaunchable: bool | None = None


class Card(_Closed):
    uuid: str | None = None
    summary: str = Field(max_length=139)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[OverrideCoding] | None = None
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _selection_with_suggestions(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("selectionBehavior is required when suggestions are present")
        return self


class CardsResponse(_Closed):
    cards: list[Card]
    systemActions: list[Action] | None = None


class Service(_Closed):
    hook: str
    title: str | None = None
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None


class Discovery(_Closed):
    services: list[Service]


class FhirAuthorization(_Open):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class HookRequest(_Open):
    hook: str = Field(min_length=1)
    hookInstance: str = Field(min_length=1, max_length=128)
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _server_with_authorization(self) -> HookRequest:
        if self.fhirAuthorization is not None and not self.fhirServer:
            raise ValueError("fhirServer is required when fhirAuthorization is given")
        return self


class AcceptedSuggestion(_Open):
    id: str = Field(min_length=1)


class OverrideReason(_Open):
    reason: Coding | None = None
    userComment: str | None = Field(default=None, max_length=4000)


class Feedback(_Open):
    card: str = Field(min_length=1, max_length=64)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str

    @field_validator("outcomeTimestamp")
    @classmethod
    def _rfc3339(cls, value: str) -> str:
        import datetime

        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("expected an RFC 3339 date-time such as 2021-12-11T10:05:31Z") from None
        if parsed.tzinfo is None:
            raise ValueError("expected a date-time with a time zone (UTC), e.g. 2021-12-11T10:05:31Z")
        return value

    @model_validator(mode="after")
    def _accepted_needs_suggestions(self) -> Feedback:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions is required for an accepted outcome")
        return self


class FeedbackRequest(_Open):
    feedback: list[Feedback] = Field(min_length=1, max_length=100)
