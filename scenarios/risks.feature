Feature: Injury risks, graded honestly
  A risk is for an asymptomatic side: a symptom with a pattern is a working diagnosis instead. Risks start
  only from observed compensations or from measurements clearly past a cut-off; each carries the grade of
  its strongest rule and a chain grade set by its weakest link, and a contradicted link says
  "contradicted: <source>" (docs/clinical-basis.md, sections 0 and 3).

  Scenario: A lunge angle clearly under 36.5 degrees carries a grade B patellar tendinopathy risk
    Given a 19-year-old male runner running 60 km a week
    And the runner's left lunge angle is 30 degrees
    And the runner's right lunge angle is 41 degrees
    Then patellar_tendinopathy is a risk on the left side
    And the risk patellar_tendinopathy has grade B on the left side
    And the risk patellar_tendinopathy has chain grade B on the left side
    And patellar_tendinopathy is not a risk on the right side
    And the explanation of the risk patellar_tendinopathy passes through lunge_angle_deg

  Scenario: A lunge angle within measurement error of the cut-off carries no risk
    Given a 19-year-old male runner running 60 km a week
    And the runner's left lunge angle is 33 degrees
    And the runner's right lunge angle is 41 degrees
    Then patellar_tendinopathy is not a risk

  Scenario: A knee-to-wall distance alone never raises the patellar tendinopathy risk
    Given a runner whose left knee-to-wall distance is 6.5 cm
    And the runner's right knee-to-wall distance is 10 cm
    And the runner reports anterior knee pain on the left side for 6 weeks
    Then patellar_tendinopathy is not a risk
    And the plan asks to measure_lunge_angle for the left side

  Scenario: Patellofemoral pain is a risk only through observed knee valgus on a knee without pain
    Given a runner whose knee-to-wall distance is 6.5 cm on both sides
    And the runner shows dynamic knee valgus on both sides
    And the runner reports anterior knee pain on the left side for 6 weeks, severity 4 out of 10
    Then patellofemoral_pain is a risk on the right side
    And the risk patellofemoral_pain has grade C on the right side
    And the explanation of the risk patellofemoral_pain passes through dynamic_knee_valgus
    And patellofemoral_pain is not a risk on the left side
    And patellofemoral_pain is a presentation on the left side

  Scenario: An expected knee valgus, not seen, starts no risk
    Given a runner whose right knee-to-wall distance is 6.5 cm
    And the runner's left knee-to-wall distance is 10 cm
    Then dynamic_knee_valgus is an expected compensation on the right side
    And patellofemoral_pain is not a risk

  Scenario: A hip drop seen on a knee without pain is an IT band risk, graded as practice opinion
    Given a runner whose left knee-to-wall distance is 6.5 cm
    And the runner's right knee-to-wall distance is 10.5 cm
    And the runner shows a hip drop on the left side
    Then iliotibial_band_syndrome is a risk on the left side
    And the risk iliotibial_band_syndrome has grade C on the left side
    And the explanation of the risk iliotibial_band_syndrome passes through hip_compensation

  Scenario: A stiff ankle without Achilles pain carries a contradicted Achilles tendinopathy risk
    Given a runner whose right knee-to-wall distance is 6.5 cm
    And the runner's left knee-to-wall distance is 10 cm
    Then achilles_tendinopathy is a risk on the right side
    And the risk achilles_tendinopathy has grade C on the right side
    And the risk achilles_tendinopathy says it is contradicted by Mahieu 2006
    And achilles_tendinopathy is not a risk on the left side

  Scenario: Achilles pain is a working diagnosis, not a risk
    Given a 40-year-old male runner running 50 km a week
    And the runner's right knee-to-wall distance is 6.5 cm
    And the runner's left knee-to-wall distance is 10 cm
    And the runner reports Achilles pain on the right side for 10 weeks
    And the pain began gradually
    Then achilles_tendinopathy_midportion is a presentation on the right side
    And achilles_tendinopathy is not a risk on the right side

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

  Scenario: Knee-straight dorsiflexion of 0 degrees or less carries a contradicted plantar heel pain risk
    Given a runner whose right knee-straight dorsiflexion is 0 degrees
    And the runner's right knee-bent dorsiflexion is 8 degrees
    And the runner's left knee-straight dorsiflexion is 8 degrees
    And the runner's left knee-bent dorsiflexion is 15 degrees
    Then plantar_heel_pain is a risk on the right side
    And the risk plantar_heel_pain has grade C on the right side
    And the risk plantar_heel_pain says it is contradicted by Irving 2007
    And plantar_heel_pain is not a risk on the left side

  Scenario: Knee-straight dorsiflexion just above 0 degrees does not carry the plantar heel risk
    Given a runner whose left knee-straight dorsiflexion is 1 degree
    And the runner's left knee-bent dorsiflexion is 9 degrees
    Then soleus_or_joint_restriction is found on the left side
    And plantar_heel_pain is not a risk
