Feature: Findings from the ankle measurements
  The weight-bearing lunge and knee-straight / knee-bent goniometry decide whether dorsiflexion is
  limited, on which side, how badly, and which tissue is likely to blame (docs/clinical-basis.md section 2).

  Scenario: A knee-to-wall distance under 9 cm is limited dorsiflexion, graded as convention
    Given a 34-year-old female runner running 45 km a week
    And the runner's left knee-to-wall distance is 6 cm
    And the runner's right knee-to-wall distance is 11 cm
    When the runner is assessed
    Then limited_dorsiflexion is found on the left side
    And limited_dorsiflexion is not found on the right side
    And the finding limited_dorsiflexion has grade C on the left side

  Scenario: A lunge angle clearly under 36.5 degrees is limited dorsiflexion, grade B (junior basketball data)
    Given a runner whose left lunge angle is 44 degrees
    And the runner's right lunge angle is 30 degrees
    Then limited_dorsiflexion is found on the right side
    And limited_dorsiflexion is not found on the left side
    And the finding limited_dorsiflexion has grade B on the right side

  Scenario: 33 degrees is within one MDC of the 36.5 degree cut-off - borderline, re-measured
    Given a runner whose left lunge angle is 44 degrees
    And the runner's right lunge angle is 33 degrees
    Then borderline_dorsiflexion is found on the right side
    And limited_dorsiflexion is not found
    And the plan asks to remeasure_borderline for the right side

  Scenario: 8 cm is within one MDC of the 9 cm cut-off - borderline, the start of nothing
    Given a runner whose knee-to-wall distance is 8 cm on both sides
    Then borderline_dorsiflexion is found on both sides
    And limited_dorsiflexion is not found
    And no compensation is expected or observed
    And no exercise is recommended for either side

  Scenario: Normal lunge and goniometry on both sides give no limitation and no mobility plan
    Given a runner whose knee-to-wall distance is 11.5 cm on both sides
    And the runner's lunge angle is 43 degrees on both sides
    And the runner's knee-straight dorsiflexion is 12 degrees on both sides
    And the runner's knee-bent dorsiflexion is 19 degrees on both sides
    Then limited_dorsiflexion is not found
    And dorsiflexion_asymmetry is not found
    And ankle_wall_drill is not recommended
    And the status is no_action
    And the status line says "nothing to act on"

  Scenario: Exactly 9 cm and exactly 36.5 degrees sit on the normal side of the cut-offs
    Given a runner whose knee-to-wall distance is 9 cm on both sides
    And the runner's lunge angle is 36.5 degrees on both sides
    Then limited_dorsiflexion is not found

  Scenario: A 1.5 cm left-right difference with one-sided symptoms flags asymmetry on the stiffer side
    Given a runner whose left knee-to-wall distance is 9.5 cm
    And the runner's right knee-to-wall distance is 11 cm
    And the runner reports front-of-knee pain on the left side for 4 weeks
    Then dorsiflexion_asymmetry is found on the left side without the qualifier strong
    And dorsiflexion_asymmetry is not found on the right side
    And limited_dorsiflexion is not found

  Scenario: A 3 cm left-right difference is a strong asymmetry flag, even without symptoms
    Given a runner whose left knee-to-wall distance is 13 cm
    And the runner's right knee-to-wall distance is 10 cm
    Then dorsiflexion_asymmetry is found on the right side with the qualifier strong
    And the finding dorsiflexion_asymmetry has grade C on the right side
    And dorsiflexion_asymmetry is not found on the left side

  Scenario: A difference smaller than 1.5 cm is within measurement noise and not flagged
    Given a runner whose left knee-to-wall distance is 10 cm
    And the runner's right knee-to-wall distance is 11.2 cm
    Then dorsiflexion_asymmetry is not found

  Scenario: A 6 degree difference in lunge angle counts only with symptoms on the stiffer side alone
    Given a runner whose left lunge angle is 40 degrees
    And the runner's right lunge angle is 46 degrees
    And the runner reports outside-of-knee pain on the left side for 3 weeks
    Then dorsiflexion_asymmetry is found on the left side without the qualifier strong
    And limited_dorsiflexion is not found

  Scenario: A 6 degree difference in knee-straight goniometry is an asymmetry on its own
    Given a runner whose left knee-straight dorsiflexion is 6 degrees
    And the runner's right knee-straight dorsiflexion is 12 degrees
    Then dorsiflexion_asymmetry is found on the left side without the qualifier strong
    And limited_dorsiflexion is not found

  Scenario: Stiff with the knee straight but free with it bent is a gastrocnemius pattern
    Given a runner whose right knee-straight dorsiflexion is 2 degrees
    And the runner's right knee-bent dorsiflexion is 16 degrees
    And the runner's left knee-straight dorsiflexion is 11 degrees
    And the runner's left knee-bent dorsiflexion is 18 degrees
    Then gastrocnemius_restriction is found on the right side
    And soleus_or_joint_restriction is not found
    And limited_dorsiflexion is not found
    And gastrocnemius_restriction is not found on the left side

  Scenario: Stiff with the knee both straight and bent is a soleus or joint pattern
    Given a runner whose left knee-straight dorsiflexion is 3 degrees
    And the runner's left knee-bent dorsiflexion is 7 degrees
    And the runner's right knee-straight dorsiflexion is 10 degrees
    And the runner's right knee-bent dorsiflexion is 17 degrees
    Then soleus_or_joint_restriction is found on the left side
    And gastrocnemius_restriction is not found
    And the finding soleus_or_joint_restriction has grade B

  Scenario: Knee straight under 5 with knee bent at 10 or more points to the gastrocnemius, whatever the gain
    Given a runner whose left knee-straight dorsiflexion is 4 degrees
    And the runner's left knee-bent dorsiflexion is 12 degrees
    Then gastrocnemius_restriction is found on the left side
    And soleus_or_joint_restriction is not found

  Scenario: A knee-to-wall distance under 5 cm is a severe restriction
    Given a runner whose left knee-to-wall distance is 4 cm
    And the runner's right knee-to-wall distance is 7 cm
    Then limited_dorsiflexion is found on the left side with the qualifier severe
    And limited_dorsiflexion is found on the right side without the qualifier severe

  Scenario: A lunge angle under 30 degrees is a severe restriction
    Given a runner whose right lunge angle is 28 degrees
    And the runner's left lunge angle is 31 degrees
    Then limited_dorsiflexion is found on the right side with the qualifier severe
    And limited_dorsiflexion is found on the left side without the qualifier severe

  Scenario: A pinch at the front of a stiff ankle is a suspected anterior impingement, not imaged at once
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    And the runner shows a pinch at the front of the ankle on the left side
    Then suspected_anterior_impingement is found on the left side
    And no imaging_referral is made
    And the status is plan

  Scenario: A suspected impingement with front-of-ankle pain for 6 weeks or more is imaged
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    And the runner shows a pinch at the front of the ankle on the left side
    And the runner reports front-of-ankle pain on the left side for 6 weeks
    And the hop test is negative
    And the bone palpation is negative
    Then suspected_anterior_impingement is found on the left side
    And an imaging_referral is made for the left side with routine urgency
    And the status is refer

  Scenario: Front-of-ankle pain with limited dorsiflexion is a suspected anterior impingement
    Given a runner whose right lunge angle is 31 degrees
    And the runner's left lunge angle is 41 degrees
    And the runner reports anterior ankle pain on the right side for 3 weeks
    Then suspected_anterior_impingement is found on the right side
    And suspected_anterior_impingement is not found on the left side

  Scenario: A front-of-ankle pinch with normal dorsiflexion is not called an impingement
    Given a runner whose knee-to-wall distance is 11 cm on both sides
    And the runner shows an anterior ankle pinch on the left side
    Then suspected_anterior_impingement is not found
    And no imaging_referral is made
