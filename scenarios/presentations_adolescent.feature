Feature: Adolescent runners
  Under 16 the growth plates are open: heel and knee pain are apophysitis, heavy loading and contrast
  therapy are blocked, and knee or hip pain is screened for a slipped epiphysis (docs/clinical-basis.md, sections 7, 8).

  Scenario: A 13-year-old with heel pain has calcaneal apophysitis - heel cups, not a loading protocol
    Given a 13-year-old male runner running 20 km a week
    And the runner's knee-to-wall distance is 6.5 cm on both sides
    And the runner reports heel pain on the right side for 5 weeks, severity 4 out of 10
    And the pain began gradually
    And the hop test is negative
    And the bone palpation is negative
    Then calcaneal_apophysitis is a presentation on the right side
    And plantar_heel_pain is not a presentation
    And heel_cups_and_activity_modification is recommended for the right side
    And heel_cups_and_activity_modification is a core item
    And plantar_fascia_loading is not recommended
    And achilles_loading_programme is not recommended

  Scenario: A 14-year-old with tibial tubercle tenderness has Osgood-Schlatter - a pain-monitored ladder
    Given a 14-year-old male runner running 25 km a week
    And the runner reports front-of-knee pain on the left side for 6 weeks, severity 4 out of 10
    And the pain began gradually
    And the runner shows tibial tubercle tenderness on the left side
    Then tibial_tubercle_apophysitis is a presentation on the left side
    And the plan asks to screen_scfe for the left side
    And apophysis_load_management is held on the left side until screen_scfe is answered

  Scenario: A 12-year-old with lower-pole pain has apophysitis, never patellar tendinopathy
    Given a 12-year-old female runner running 15 km a week
    And the runner reports front-of-knee pain on the right side for 4 weeks
    And the pain began gradually
    And the runner shows inferior pole patella pain on the right side
    Then inferior_patellar_pole_apophysitis is a presentation on the right side
    And patellar_tendinopathy is not a presentation
    And patellar_tendon_loading is not recommended

  Scenario: Under 16 no sports massage
    Given a 14-year-old female runner running 20 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner shows calf tightness on both sides
    Then sports_massage is blocked because of age_under_16
