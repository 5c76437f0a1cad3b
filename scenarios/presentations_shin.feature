Feature: Shin and ankle presentations
  Shin pain is a working diagnosis only once bone stress is screened out; an ankle injury only once the
  Ottawa rules are negative; a sudden calf pain only once rupture and DVT are ruled out (docs/clinical-basis.md, sections 3, 7).

  Scenario: Gradual shin pain with a negative bone-stress screen is medial tibial stress syndrome
    Given a 22-year-old female runner running 50 km a week
    And the runner reports shin pain on the left side for 4 weeks, severity 4 out of 10
    And the pain began gradually
    And the hop test is negative
    And the bone palpation is negative
    Then medial_tibial_stress_syndrome is a presentation on the left side
    And graded_return_to_run is recommended for the left side
    And soleus_calf_raises is recommended for the left side
    And running_load_management is a core item

  Scenario: Shin pain without the bone-stress screen is not yet a diagnosis
    Given a 22-year-old female runner running 50 km a week
    And the runner reports shin pain on the left side for 4 weeks
    And the pain began gradually
    Then medial_tibial_stress_syndrome is not a presentation
    And the plan asks to screen_bone_stress for the left side
    And the plan asks to screen_red_s for the left side

  Scenario: A lateral ankle sprain with negative Ottawa rules - balance and resisted work, a brace
    Given a 30-year-old male runner running 30 km a week
    And the runner reports lateral ankle pain on the right side for 1 week, severity 5 out of 10
    And the pain began with an injury
    And the Ottawa rules is negative on the right side
    Then lateral_ankle_sprain is a presentation on the right side
    And single_leg_balance is recommended for the right side
    And the recommendation single_leg_balance has grade A
    And resisted_ankle_exercises is recommended for the right side
    And taping is recommended for the right side

  Scenario: A sudden calf pain with Thompson negative and a low Wells score is a calf strain
    Given a 39-year-old male runner running 40 km a week
    And the runner reports calf pain on the left side for 2 weeks, severity 4 out of 10
    And the pain began suddenly
    And the Thompson test is negative
    And the Wells score is 0
    Then calf_muscle_strain is a presentation on the left side
    And calf_raises is recommended for the left side
    And graded_return_to_run is recommended for the left side

  Scenario: A calf strain in its first 72 hours gets no massage and no heat
    Given a 39-year-old male runner running 40 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner shows calf tightness on both sides
    And the runner reports calf pain on the left side for 0 weeks, severity 6 out of 10
    And the pain began suddenly
    And the Thompson test is negative
    And the Wells score is 0
    Then calf_muscle_strain is a presentation on the left side
    And foam_rolling is blocked on the left side because of calf_muscle_strain
