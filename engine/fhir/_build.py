"""Small builders shared by the outbound mappings: codings, limb sites, stable ids, validated resources."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import uuid
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from engine._lru import Lru
from engine.fhir._codes import BOTH_LIMBS, SIDE_SITES, SNOMED, SNOMED_EQUIVALENTS, code_system

_NAMESPACE = uuid.UUID("6f0f3c8e-7d0e-4a8e-9a37-1b0c1c5e2a11")


def stable_uuid(*parts: object) -> str:
    """A UUID that is the same for the same parts, so the same case gives the same resources."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(part) for part in parts)))


#: The FHIR R4 `id` datatype: 1-64 letters, digits, '-' or '.'.
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}\Z")


def fhir_id(text: str) -> str:
    """A FHIR id (FHIR_ID) for a case id, which may also hold '_'."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64] or "case"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(kind: str, word: str, label: str) -> dict[str, Any]:
    """A CodeableConcept: the project code, then the SNOMED CT code with the same meaning where there is one."""
    codings = [coding(code_system(kind), word, label)]
    standard = SNOMED_EQUIVALENTS.get(kind, {}).get(word)
    if standard:
        codings.append(coding(SNOMED, *standard))
    return {"coding": codings, "text": label}


def limb_site(side: str) -> dict[str, Any]:
    """bodySite for one leg ('left' or 'right'), or the lower limbs in general for 'both'."""
    code, display = SIDE_SITES.get(side, BOTH_LIMBS)
    return {"coding": [coding(SNOMED, code, display)], "text": f"{side} leg" if side in SIDE_SITES else "both legs"}


def limb_sites(side: str) -> list[dict[str, Any]]:
    """Condition.bodySite (0..*): 'both' is the left and the right leg."""
    return [limb_site(s) for s in (("left", "right") if side == "both" else (side,))]


#: fhir.resources models by content: validating a resource costs milliseconds (a care plan tens of them), and an
#: EHR sends the same chart, and the engine writes the same plan, again and again. A model is only read.
_MODELS: Lru[Any] = Lru(4096)


def content_key(data: Any) -> str:
    """A key for plain data (JSON values, dates, decimals): equal keys mean equal content, key order included.
    Data with the same content in another key order only gets another key. Pickled rather than dumped as JSON:
    five times cheaper, and a FHIR prefetch is tens of kilobytes."""
    try:
        return "p" + hashlib.sha256(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):  # something pickle refuses: its JSON text, then
        return "j" + hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def resource(data: dict[str, Any]) -> Any:
    """A fhir.resources (R4B) model of a resource dict; raises pydantic's ValidationError if it is not valid FHIR.
    The same content gives the same (shared, read-only) model."""
    key = content_key(data)
    return _MODELS.get_or_make(key, lambda: get_fhir_model_class(data["resourceType"]).model_validate(data))


def as_json(model: Any) -> dict[str, Any]:
    """A validated resource back as plain JSON data (decimals as JSON numbers)."""
    return json.loads(model.model_dump_json(exclude_none=True))


def validated(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a resource dict against its fhir.resources model (raises if it is not valid FHIR R4) and return
    it. The dict itself is returned, not the model dumped again: fhir.resources' serialiser costs ten times the
    validation, and the dict is already plain JSON data."""
    resource(data)
    return data


def full_url(data: dict[str, Any]) -> str:
    """A Bundle entry's fullUrl: urn:uuid: of the id when it is a UUID, else a stable UUID of type and id."""
    try:
        return f"urn:uuid:{uuid.UUID(data['id'])}"
    except ValueError:
        return f"urn:uuid:{stable_uuid(data['resourceType'], data['id'])}"


def entry(data: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": full_url(data), "resource": data}


def number(value: Any) -> int | float:
    """A FHIR decimal as the case file writes it: whole numbers stay whole."""
    as_float = float(value)
    return int(as_float) if as_float.is_integer() and "." not in str(value) else as_float
