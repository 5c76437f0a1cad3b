Feature: Questions when data is missing
  A missing measurement is a question, never an error: the engine asks for what would sharpen the
  assessment instead of guessing.

  Scenario: Signs of a stiff ankle without any measurement ask for the lunge test on both legs
    Given a runner
    And the runner shows heels lifting in a deep squat on the left side
    And the runner shows calf tightness on the left side
    Then the plan asks to measure_weight_bearing_lunge for the left side
    And the plan asks to measure_weight_bearing_lunge for the right side
    And limited_dorsiflexion is not found
    And ankle_wall_drill is not recommended

  Scenario: Pain along the chain without a measurement asks for the lunge test
    Given a runner
    And the runner reports Achilles pain on the right side for 5 weeks
    Then the plan asks to measure_weight_bearing_lunge for the right side
    And achilles_tendinopathy is not a risk

  Scenario: Only one side measured asks for the other side, so asymmetry can be judged
    Given a runner whose right knee-to-wall distance is 7 cm
    Then limited_dorsiflexion is found on the right side
    And the plan asks to measure_other_side
    And dorsiflexion_asymmetry is not found

  Scenario: Only one lunge angle measured asks for the other side too
    Given a runner whose left lunge angle is 30 degrees
    Then patellar_tendinopathy is a risk on the left side
    And the plan asks to measure_other_side for the right side

  Scenario: Both sides measured need no second measurement
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 10 cm
    Then the plan does not ask to measure_other_side

  Scenario: A limitation without goniometry asks for knee-straight and knee-bent measurements
    Given a runner whose left knee-to-wall distance is 6 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    Then the plan asks to measure_goniometry_knee_straight_and_bent for the left side
    And the plan does not ask to measure_goniometry_knee_straight_and_bent for the right side

  Scenario: Full goniometry answers the tissue question
    Given a runner whose left knee-to-wall distance is 6 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    And the runner's left knee-straight dorsiflexion is 3 degrees
    And the runner's left knee-bent dorsiflexion is 7 degrees
    Then the plan does not ask to measure_goniometry_knee_straight_and_bent
    And soleus_or_joint_restriction is found on the left side

  Scenario: Knee-straight goniometry alone cannot tell gastrocnemius from soleus, so the knee-bent value is asked for
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 11 cm
    And the runner's left knee-straight dorsiflexion is 3 degrees
    Then gastrocnemius_restriction is not found
    And soleus_or_joint_restriction is not found
    And the plan asks to measure_goniometry_knee_straight_and_bent for the left side

  Scenario: Knee pain without a lunge angle asks for the angle, the only outcome-anchored cut-off
    Given a runner whose knee-to-wall distance is 8 cm on both sides
    And the runner reports front-of-knee pain on the right side for 4 weeks
    Then the plan asks to measure_lunge_angle for the right side
    And patellar_tendinopathy is not a risk

  Scenario: A visit with nothing recorded is valid, and asks for the weight-bearing lunge on both legs
    Given a runner with nothing recorded but the visit
    Then the status is plan
    And the plan asks to measure_weight_bearing_lunge for the left side
    And the plan asks to measure_weight_bearing_lunge for the right side
    And the plan recommends nothing
    And the plan recommends nothing
    And no referral is made
