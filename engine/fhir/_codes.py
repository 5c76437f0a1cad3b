"""Code systems of the FHIR mapping: the project's own CodeSystems, and the standard codes used where one exists.

The project CodeSystems take their codes from the rule base's vocabulary (one code per word), so a word added to
the vocabulary is mappable at once. A standard code (SNOMED CT, LOINC) is added beside the project code only where
its meaning is the same; the tables below list every one used.
"""

from __future__ import annotations

BASE = "https://kinetic-chain-cds.org/fhir"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CASE_ID_SYSTEM = f"{BASE}/NamingSystem/case-id"


def code_system(kind: str) -> str:
    """The project CodeSystem url for a vocabulary section, e.g. code_system('red-flag')."""
    return f"{BASE}/CodeSystem/{kind}"


def extension_url(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"


#: Which leg: SNOMED CT body structures (Observation.bodySite, Condition.bodySite, ServiceRequest.bodySite).
SIDE_SITES = {
    "left": ("32153003", "Structure of left lower limb"),
    "right": ("62175007", "Structure of right lower limb"),
}
SITE_SIDES = {code: side for side, (code, _) in SIDE_SITES.items()}
BOTH_LIMBS = ("61685007", "Lower limb structure")

#: Standard codes with the same meaning as a vocabulary word, by project CodeSystem.
SNOMED_EQUIVALENTS: dict[str, dict[str, tuple[str, str]]] = {
    "condition": {
        "raynauds": ("266261006", "Raynaud's phenomenon"),
        "peripheral_vascular_disease": ("400047006", "Peripheral vascular disease"),
        "diabetic_neuropathy": ("230572002", "Diabetic neuropathy"),
        "open_wound": ("125643001", "Open wound"),
        "active_cancer": ("363346000", "Malignant neoplastic disease"),
        "bleeding_disorder": ("64779008", "Blood coagulation disorder"),
        "heart_disease": ("56265001", "Heart disease"),
        "pregnancy": ("77386006", "Pregnant"),
        "diabetes": ("73211009", "Diabetes mellitus"),
    },
    "red-flag": {
        "foot_drop": ("6077001", "Foot drop"),
        "fever_or_systemic_illness": ("386661006", "Fever"),
    },
    "symptom-site": {
        "lower_back": ("279039007", "Low back pain"),
        "hip": ("49218002", "Hip pain"),
    },
}

#: Observation codes with a standard equivalent.
LOINC_AGE = ("30525-0", "Age")

#: Values of a screen (Observation.valueCodeableConcept), SNOMED CT qualifier values.
SCREEN_VALUES = {
    "negative": ("260385009", "Negative"),
    "positive": ("10828004", "Positive"),
    "normal": ("17621005", "Normal"),
    "abnormal": ("263654008", "Abnormal"),
}
SCREEN_WORDS = {code: word for word, (code, _) in SCREEN_VALUES.items()}

#: Units (UCUM) a measurement may arrive in, with the factor to the case file's unit.
UNIT_FACTORS = {
    "cm": {"cm": 1, "mm": 0.1, "m": 100},
    "deg": {"deg": 1},
}

#: Other per-visit observations of the case, by project code (Observation.code in CodeSystem 'observation').
PATIENT_OBSERVATIONS = {
    "weekly_km": ("weekly-running-km", "running volume per week", "km/wk"),
    "weekly_km_before": ("weekly-running-km-4-weeks-before", "usual running volume per week 4 weeks ago", "km/wk"),
}
OUTCOME_LABELS = {
    "visa_a": "VISA-A (Victorian Institute of Sport Assessment - Achilles) score",
    "visa_p": "VISA-P (Victorian Institute of Sport Assessment - patellar tendon) score",
    "psfs": "Patient-Specific Functional Scale, mean",
}

#: ServiceRequest.priority for a referral urgency (v1 'urgent' is the v2 'same_day').
URGENCY_PRIORITY = {"emergency": "stat", "same_day": "urgent", "urgent": "urgent", "soon": "asap", "routine": "routine"}
REFERRAL_CATEGORY = ("3457005", "Patient referral")
