Feature: Compensations up the kinetic chain
  A restricted ankle makes certain compensations expected; a compensation the clinician actually sees is
  observed. Seen and expected on one limb is reported once, as observed.

  Scenario: A restricted ankle alone makes the chain compensations expected on that side only
    Given a runner whose left knee-to-wall distance is 6 cm
    And the runner's right knee-to-wall distance is 11 cm
    Then dynamic_knee_valgus is an expected compensation on the left side
    And hip_compensation is an expected compensation on the left side
    And early_heel_rise is an expected compensation on the left side
    And the compensation dynamic_knee_valgus has grade B on the left side
    And the compensation early_heel_rise has grade C on the left side
    And no compensation is listed on the right side

  Scenario: Knee valgus seen on the restricted side is an observed compensation
    Given a runner whose left knee-to-wall distance is 6 cm
    And the runner's right knee-to-wall distance is 11 cm
    And the runner shows knee valgus on a single-leg squat on the left side
    Then dynamic_knee_valgus is an observed compensation on the left side
    And early_heel_rise is an expected compensation on the left side
    And dynamic_knee_valgus is not a compensation on the right side

  Scenario: Gait findings on video are observed compensations
    Given a runner whose right lunge angle is 30 degrees
    And the runner's left lunge angle is 42 degrees
    And the runner shows early heel rise while running on the right side
    And the runner shows a shortened stride on the right side
    And the runner shows a stiff landing on the right side
    Then early_heel_rise is an observed compensation on the right side
    And shortened_stride is an observed compensation on the right side
    And reduced_shock_absorption is an observed compensation on the right side
    And excessive_pronation is an expected compensation on the right side

  Scenario: A hip drop seen without any ankle measurement is still an observed compensation
    Given a runner
    And the runner shows a contralateral hip drop on the right side
    Then hip_compensation is an observed compensation on the right side
    And dynamic_knee_valgus is not a compensation
    And limited_dorsiflexion is not found
    And kinetic_chain_strength is recommended for the right side

  Scenario: A sign on the unrestricted side is observed there while the stiff side stays expected
    Given a runner whose left knee-to-wall distance is 6.5 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    And the runner shows excessive pronation on the right side
    Then excessive_pronation is an observed compensation on the right side
    And excessive_pronation is an expected compensation on the left side
    And resisted_ankle_exercises is recommended for the right side

  Scenario: A forward trunk lean is an observed postural compensation
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner shows a forward trunk lean on both sides
    Then postural_change is an observed compensation on both sides
    And hip_compensation is an expected compensation on both sides

  Scenario: Without a restriction or a sign no compensation is expected
    Given a runner whose knee-to-wall distance is 12 cm on both sides
    And the runner reports lower back pain on the left side
    Then no compensation is listed
