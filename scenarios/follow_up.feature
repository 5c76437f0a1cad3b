Feature: Follow-up visits - is the change in dorsiflexion real?
  A change between two visits counts only when it reaches the minimal detectable change
  of the measurement (1.9 cm knee-to-wall, 4.7 deg for angles; Powden 2015, grade A).
  Anything smaller is within measurement error: keep the plan and re-measure.

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
    And dorsiflexion_asymmetry has resolved on the left side

  Scenario: A red flag at the follow-up comes before any progression
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    And the follow-up visit records the red flag calf_swelling_warmth
    When the clinician compares the two visits
    Then the left side shows a real improvement
    And the verdict for the left side says a referral comes first

  Scenario: Visits of two different runners are compared with a warning
    Given a first visit where the left knee-to-wall distance is 6.5 cm
    And a follow-up visit where the left knee-to-wall distance is 10 cm
    And the follow-up visit belongs to another runner
    When the clinician compares the two visits
    Then the clinician is warned that the case ids differ
