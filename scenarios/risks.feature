Feature: Injury risks, graded honestly
  Each risk carries the grade of its strongest rule, and a chain grade set by its weakest link back to the
  case. Where the article claims more than the evidence shows, the engine says so.

  Scenario: A lunge angle under the 36.5 degree cut-off carries a grade A patellar tendinopathy risk
    Given a 19-year-old male runner running 60 km a week
    And the runner's left lunge angle is 32 degrees
    And the runner's right lunge angle is 41 degrees
    Then patellar_tendinopathy is a risk on the left side
    And the risk patellar_tendinopathy has grade A on the left side
    And the risk patellar_tendinopathy has chain grade A on the left side
    And patellar_tendinopathy is not a risk on the right side
    And the explanation of the risk patellar_tendinopathy passes through lunge_angle_deg

  Scenario: A knee-to-wall distance alone never raises the patellar tendinopathy risk
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 10 cm
    And the runner reports anterior knee pain on the left side for 6 weeks
    Then patellar_tendinopathy is not a risk
    And the plan asks to measure_lunge_angle for the left side

  Scenario: Patellofemoral pain is a grade B risk through observed knee valgus
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 10 cm
    And the runner shows dynamic knee valgus on the left side
    And the runner reports anterior knee pain on the left side for 6 weeks, severity 4 out of 10
    Then patellofemoral_pain is a risk on the left side
    And the risk patellofemoral_pain has grade B on the left side
    And the explanation of the risk patellofemoral_pain passes through dynamic_knee_valgus
    And patellofemoral_pain is not a risk on the right side

  Scenario: A risk resting on the 9 cm convention is only as strong as that convention
    Given a runner whose right knee-to-wall distance is 7.5 cm
    And the runner's left knee-to-wall distance is 10 cm
    Then patellofemoral_pain is a risk on the right side
    And the risk patellofemoral_pain has grade B on the right side
    And the risk patellofemoral_pain has chain grade C on the right side

  Scenario: Outside-of-knee pain with a hip drop is an IT band risk, graded as practice opinion
    Given a runner whose left knee-to-wall distance is 7.5 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    And the runner shows a hip drop on the left side
    And the runner reports lateral knee pain on the left side for 4 weeks
    Then iliotibial_band_syndrome is a risk on the left side
    And the risk iliotibial_band_syndrome has grade C on the left side
    And the explanation of the risk iliotibial_band_syndrome passes through hip_compensation

  Scenario: Achilles pain on a stiff ankle is a grade B Achilles tendinopathy risk
    Given a runner whose right knee-to-wall distance is 7 cm
    And the runner's left knee-to-wall distance is 10 cm
    And the runner reports Achilles pain on the right side for 8 weeks
    Then achilles_tendinopathy is a risk on the right side
    And the risk achilles_tendinopathy has grade B on the right side
    And the explanation of the risk achilles_tendinopathy passes through risk.achilles_tendinopathy.pain
    And achilles_tendinopathy is not a risk on the left side

  Scenario: Shin splints are never put down to a stiff ankle; screened shin pain is a working diagnosis
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner reports shin pain on the left side for 3 weeks
    And the hop test is negative
    And the bone palpation is negative
    Then medial_tibial_stress_syndrome is not a risk
    And medial_tibial_stress_syndrome is a presentation on the left side

  Scenario: Shin pain with a normal ankle is not put down to dorsiflexion
    Given a runner whose knee-to-wall distance is 11 cm on both sides
    And the runner reports shin pain on the right side for 2 weeks
    Then medial_tibial_stress_syndrome is not a risk

  Scenario: Knee-straight dorsiflexion of 0 degrees or less carries a plantar heel pain risk
    Given a runner whose right knee-straight dorsiflexion is 0 degrees
    And the runner's right knee-bent dorsiflexion is 8 degrees
    And the runner's left knee-straight dorsiflexion is 8 degrees
    And the runner's left knee-bent dorsiflexion is 15 degrees
    Then plantar_heel_pain is a risk on the right side
    And the risk plantar_heel_pain has grade B on the right side
    And plantar_heel_pain is not a risk on the left side

  Scenario: Knee-straight dorsiflexion just above 0 degrees does not carry the plantar heel risk
    Given a runner whose left knee-straight dorsiflexion is 1 degree
    And the runner's left knee-bent dorsiflexion is 9 degrees
    Then limited_dorsiflexion is found on the left side
    And plantar_heel_pain is not a risk
