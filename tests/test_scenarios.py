"""Clinical scenarios in Gherkin (scenarios/*.feature), run by pytest-bdd.

Given-steps build one case file, in a clinician's words, fact by fact; Then-steps assess it once with the
bundled rule base and look the named item up in the Assessment. Every identifier a Then-step names is checked
against the vocabulary first, so a misspelt word can never make a negative assertion pass by accident.
The steps live in steps_case.py, steps_findings.py and steps_plan.py (registered in conftest.py).
"""

from pytest_bdd import scenarios

#: The clinical feature files this module binds (scenarios/follow_up.feature is bound by test_compare_scenarios.py).
FEATURES = (
    "measurement_findings.feature",
    "compensations.feature",
    "risks.feature",
    "plans.feature",
    "questions.feature",
    "safety.feature",
    "screen_before_plan.feature",
    "presentations_knee.feature",
    "presentations_achilles_heel.feature",
    "presentations_shin.feature",
    "presentations_adolescent.feature",
    "load.feature",
)
scenarios(*FEATURES)
