Feature: Follow-up visits - is the change real, and does it matter to the runner?
  A change in a measurement counts only when it reaches the minimal detectable change
  of the measurement (1.9 cm knee-to-wall, 4.7 deg for angles; Powden 2015, grade A).
  Anything smaller is within measurement error: keep the plan and re-measure.
  A change in an outcome counts only when it reaches its minimal clinically important
  difference (MCID): VISA-A 14 points at about 12 weeks and 7 at about 24, VISA-P 13,
  PSFS 2, pain 2 points or 30% of the first rating. Better means one outcome improved by
  its MCID and none got worse by its MCID; any outcome worse by its MCID means re-examine.

  Scenario: A real improvement on the left lets the mobility plan progress
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a first visit where the right knee-to-wall distance is 11 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    And a follow-up visit where the right knee-to-wall distance is 11 cm
    When the clinician compares the two visits
    Then the left side shows a real improvement
    And the verdict for the left side says the mobility plan can progress
    And limited_dorsiflexion has resolved on the left side
    And the right side shows no real change

  Scenario: A gain smaller than the measurement error is no real change
    Given a first visit where the left knee-to-wall distance is 5 cm
    And a follow-up visit where the left knee-to-wall distance is 6.8 cm
    When the clinician compares the two visits
    Then the left side shows no real change
    And the verdict for the left side says the change is within the 1.9 cm measurement error
    And the verdict for the left side says to keep the plan and re-measure in 2-4 weeks
    And limited_dorsiflexion is still present on the left side

  Scenario: A gain of exactly the measurement error counts as real
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a follow-up visit where the left knee-to-wall distance is 8.4 cm
    When the clinician compares the two visits
    Then the left side shows a real improvement

  Scenario: A real decline asks for a review of the plan
    Given a first visit where the right knee-to-wall distance is 10 cm
    And a follow-up visit where the right knee-to-wall distance is 7 cm
    When the clinician compares the two visits
    Then the right side shows a real decline
    And the verdict for the right side says to review the plan
    And limited_dorsiflexion has appeared on the right side

  Scenario Outline: Lunge angle changes are judged against 4.7 degrees
    Given a first visit where the left lunge angle is 31 deg
    And a follow-up visit where the left lunge angle is <after> deg
    When the clinician compares the two visits
    Then the left side shows <verdict>

    Examples:
      | after | verdict            |
      | 35.6  | no real change     |
      | 35.7  | a real improvement |
      | 35.8  | a real improvement |
      | 26.3  | a real decline     |

  Scenario: The left-right difference narrows as the restricted side catches up
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a first visit where the right knee-to-wall distance is 11 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    And a follow-up visit where the right knee-to-wall distance is 11 cm
    When the clinician compares the two visits
    Then the knee-to-wall asymmetry falls from 4.5 cm to 1 cm
    And the knee-to-wall asymmetry is better
    And dorsiflexion_asymmetry has resolved on the left side

  Scenario: A red flag at the follow-up comes before any progression
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    And the follow-up visit records the red flag calf_swelling_warmth
    When the clinician compares the two visits
    Then the left side shows a real improvement
    And the verdict for the left side says a referral comes first

  Scenario: Visits of two different runners are refused
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    And the follow-up visit belongs to another runner
    When the clinician tries to compare the two visits
    Then the comparison is refused because the visits are of different cases

  Scenario: A narrower gap because the good side stiffened is not better
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a first visit where the right knee-to-wall distance is 11 cm
    And a follow-up visit where the left knee-to-wall distance is 7 cm
    And a follow-up visit where the right knee-to-wall distance is 8.5 cm
    When the clinician compares the two visits
    Then the knee-to-wall asymmetry is smaller, not better
    And the right side shows a real decline

  Scenario Outline: The knee-to-wall gap counts as changed from 1.5 cm (Chisholm 2012)
    Given a first visit where the left knee-to-wall distance is 6 cm
    And a first visit where the right knee-to-wall distance is 10 cm
    And a follow-up visit where the left knee-to-wall distance is <left> cm
    And a follow-up visit where the right knee-to-wall distance is <right> cm
    When the clinician compares the two visits
    Then the knee-to-wall asymmetry is <verdict>

    Examples:
      | left | right | verdict        |
      | 7.9  | 10.5  | no real change |
      | 7.9  | 10.4  | better         |
      | 8    | 10    | better         |
      | 6    | 11.5  | larger         |

  Scenario: Visits given in the wrong order are compared in date order
    Given a first visit on 2026-12-11 where the left knee-to-wall distance is 10 cm
    And a follow-up visit on 2026-11-20 where the left knee-to-wall distance is 6.5 cm
    When the clinician compares the two visits
    Then the clinician is told the visits were given in reverse order
    And the left side shows a real improvement

  Scenario: Undated visits are compared in the order given, and the report says so
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    When the clinician compares the two visits
    Then the clinician is told the visit dates are missing
    And the left side shows a real improvement

  Scenario Outline: Pain counts as better from 2 points or 30% of the first rating
    Given a first visit where the runner rates left achilles pain <before> out of 10
    And a follow-up visit where the runner rates left achilles pain <after> out of 10
    When the clinician compares the two visits
    Then the left achilles pain is <verdict>
    And the runner's outcome is <overall>

    Examples:
      | before | after | verdict             | overall   |
      | 8      | 6.1   | no important change | unchanged |
      | 8      | 6     | improved            | better    |
      | 8      | 5.9   | improved            | better    |
      | 5      | 3.6   | no important change | unchanged |
      | 5      | 3.5   | improved            | better    |
      | 3      | 5     | worse               | worse     |

  Scenario: Worse pain on one leg means re-examine, whatever improved on the other
    Given a first visit where the runner rates left achilles pain 6 out of 10
    And a first visit where the runner rates right achilles pain 2 out of 10
    And a follow-up visit where the runner rates left achilles pain 2 out of 10
    And a follow-up visit where the runner rates right achilles pain 5 out of 10
    When the clinician compares the two visits
    Then the left achilles pain is improved
    And the right achilles pain is worse
    And the runner's outcome is worse
    And the outcome verdict says re-examine

  Scenario Outline: VISA-A counts as changed from 14 points at about 12 weeks
    Given a first visit on 2026-09-01 where the left VISA-A is 50
    And a follow-up visit on 2026-11-24 where the left VISA-A is <after>
    When the clinician compares the two visits
    Then the left VISA-A is <verdict>
    And the runner's outcome is <overall>

    Examples:
      | after | verdict             | overall   |
      | 63    | no important change | unchanged |
      | 64    | improved            | better    |
      | 65    | improved            | better    |
      | 36    | worse               | worse     |

  Scenario Outline: VISA-A counts as changed from 7 points at about 24 weeks
    Given a first visit on 2026-06-01 where the left VISA-A is 50
    And a follow-up visit on 2026-11-16 where the left VISA-A is <after>
    When the clinician compares the two visits
    Then the left VISA-A is <verdict>

    Examples:
      | after | verdict             |
      | 56    | no important change |
      | 57    | improved            |
      | 58    | improved            |
      | 43    | worse               |

  Scenario Outline: VISA-P counts as changed from 13 points
    Given a first visit where the right VISA-P is 60
    And a follow-up visit where the right VISA-P is <after>
    When the clinician compares the two visits
    Then the right VISA-P is <verdict>

    Examples:
      | after | verdict             |
      | 72    | no important change |
      | 73    | improved            |
      | 74    | improved            |
      | 47    | worse               |

  Scenario Outline: PSFS counts as changed from 2 points
    Given a first visit where the PSFS is 4
    And a follow-up visit where the PSFS is <after>
    When the clinician compares the two visits
    Then the PSFS is <verdict>

    Examples:
      | after | verdict             |
      | 5.9   | no important change |
      | 6     | improved            |
      | 6.1   | improved            |
      | 2     | worse               |

  Scenario: A better VISA-A does not outweigh a worse PSFS
    Given a first visit where the left VISA-A is 50
    And a first visit where the PSFS is 6
    And a follow-up visit where the left VISA-A is 70
    And a follow-up visit where the PSFS is 3
    When the clinician compares the two visits
    Then the left VISA-A is improved
    And the runner's outcome is worse
    And the outcome verdict says re-examine

  Scenario: Twelve weeks of Achilles loading without a 14-point VISA-A gain is escalated
    Given the runner is 46 years old
    And a first visit on 2026-06-01 where the left VISA-A is 50
    And a first visit where the runner rates left achilles pain 5 out of 10
    And a follow-up visit on 2026-08-24 where the left VISA-A is 58
    And a follow-up visit where the runner rates left achilles pain 4 out of 10
    When the clinician compares the two visits
    Then the comparison escalates to a specialist referral within 1-2 weeks for the left midportion Achilles tendinopathy
    And the escalation is grade C, citing Beyer 2015; Martin 2018
    And the clinician is asked to confirm the runner followed the programme

  Scenario: Six weeks is too early to escalate Achilles tendon pain
    Given the runner is 46 years old
    And a first visit on 2026-06-01 where the left VISA-A is 50
    And a first visit where the runner rates left achilles pain 5 out of 10
    And a follow-up visit on 2026-07-13 where the left VISA-A is 58
    And a follow-up visit where the runner rates left achilles pain 4 out of 10
    When the clinician compares the two visits
    Then there is no escalation yet, and it comes at 12 weeks if the VISA-A has still not improved

  Scenario: Runner's knee without a 2-point PSFS gain after 6 weeks is escalated
    Given the runner is 30 years old
    And a first visit on 2026-06-01 where the PSFS is 4
    And a first visit where the runner rates right anterior_knee pain 4 out of 10
    And a follow-up visit on 2026-07-13 where the PSFS is 5
    And a follow-up visit where the runner rates right anterior_knee pain 3 out of 10
    When the clinician compares the two visits
    Then the comparison escalates to a specialist referral within 1-2 weeks for the right patellofemoral pain (runner's knee)
    And the outcome verdict says escalate instead of carrying on

  Scenario: A VISA-A gain of the full MCID after 12 weeks needs no escalation
    Given the runner is 46 years old
    And a first visit on 2026-06-01 where the left VISA-A is 50
    And a first visit where the runner rates left achilles pain 5 out of 10
    And a follow-up visit on 2026-08-24 where the left VISA-A is 64
    And a follow-up visit where the runner rates left achilles pain 4 out of 10
    When the clinician compares the two visits
    Then the left VISA-A is improved
    And nothing is escalated
