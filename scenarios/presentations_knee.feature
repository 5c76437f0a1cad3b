Feature: Knee presentations - treated whatever the ankle
  Gradual anterior or lateral knee pain is a working diagnosis with its own first-line treatment, given
  whatever the dorsiflexion; the ankle items come second (docs/clinical-basis.md, sections 3, 4.2, 9).

  Scenario: Eight weeks of anterior knee pain after a 40 % jump in mileage, normal ankles - a real plan
    Given a 29-year-old female runner running 42 km a week
    And the runner ran 30 km a week four weeks ago
    And the runner's knee-to-wall distance is 11 cm on both sides
    And the runner reports front-of-knee pain on the left side for 8 weeks, severity 4 out of 10
    And the pain began gradually
    Then patellofemoral_pain is a presentation on the left side
    And rapid_load_increase is found on both sides
    And kinetic_chain_strength is recommended for the left side
    And kinetic_chain_strength is a core item
    And running_load_management is recommended with a dose mentioning "back towards the earlier weekly volume"
    And running_load_management is a core item
    And the status is plan
    And ankle_wall_drill is not recommended

  Scenario: Patellofemoral pain gets hip and knee strength first, graded A from the guideline
    Given a 35-year-old female runner running 40 km a week
    And the runner reports front-of-knee pain on the right side for 6 weeks, severity 3 out of 10
    And the pain began gradually
    Then kinetic_chain_strength is recommended at priority 1
    And the recommendation kinetic_chain_strength has grade A
    And kinetic_chain_strength is recommended with a dose mentioning "6-12 weeks"
    And taping is an optional item

  Scenario: Lower-pole pain in an adult is patellar tendinopathy, loaded heavy and slow
    Given a 26-year-old male runner running 50 km a week
    And the runner reports front-of-knee pain on the left side for 10 weeks, severity 4 out of 10
    And the pain began gradually
    And the runner shows inferior pole patella pain on the left side
    Then patellar_tendinopathy is a presentation on the left side
    And patellofemoral_pain is not a presentation
    And patellar_tendon_loading is recommended for the left side
    And patellar_tendon_loading is recommended with a dose mentioning "heavy slow resistance"
    And running_load_management is recommended with a dose mentioning "pain-monitoring model"

  Scenario: A highly irritable patellar tendon starts with isometric holds
    Given a 26-year-old male runner running 50 km a week
    And the runner reports front-of-knee pain on the left side for 3 weeks, severity 8 out of 10
    And the pain began gradually
    And the runner shows inferior pole patella pain on the left side
    Then high_irritability is found on the left side
    And patellar_tendon_loading is recommended with a dose mentioning "isometric knee extension 5 x 45 s"
    And running_load_management is recommended with a dose mentioning "pause running"

  Scenario: Outside-of-knee pain is iliotibial band syndrome - hip abductors for six weeks
    Given a 31-year-old male runner running 55 km a week
    And the runner reports outside-of-knee pain on the right side for 5 weeks, severity 5 out of 10
    And the pain began gradually
    Then iliotibial_band_syndrome is a presentation on the right side
    And iliotibial_band_syndrome is not a risk
    And kinetic_chain_strength is recommended with a dose mentioning "6 weeks"
    And running_load_management is recommended with a dose mentioning "less downhill"
    And cadence_retraining is an optional item

  Scenario: A knee presentation on a stiff ankle adds the pattern-matched ankle item as a secondary target
    Given a 35-year-old female runner running 40 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports front-of-knee pain on the left side for 6 weeks, severity 4 out of 10
    And the pain began gradually
    Then kinetic_chain_strength comes before band_assisted_mobilization in the plan
    And band_assisted_mobilization is a core item

  Scenario: A knee presentation is re-assessed with its outcome score
    Given a 35-year-old female runner running 40 km a week
    And the runner reports front-of-knee pain on the left side for 6 weeks, severity 4 out of 10
    And the pain began gradually
    Then reassess_outcomes is recommended for the left side
    And reassess_outcomes is recommended with a dose mentioning "MCID"
