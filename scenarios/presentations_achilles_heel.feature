Feature: Achilles and heel presentations
  Achilles and heel pain with a consistent pattern are working diagnoses, not risks; the first-line loading
  programme leads the plan and the ankle drill comes second (docs/clinical-basis.md, sections 3, 4.2).

  Scenario: A marathoner with ten weeks of Achilles pain - a diagnosis, with calf loading before the drill
    Given a 44-year-old male runner running 70 km a week
    And the runner's knee-to-wall distance is 6.5 cm on both sides
    And the runner reports Achilles pain on the right side for 10 weeks, severity 4 out of 10
    And the pain began gradually
    Then achilles_tendinopathy_midportion is a presentation on the right side
    And achilles_tendinopathy is not a risk on the right side
    And achilles_loading_programme is recommended for the right side
    And the recommendation achilles_loading_programme has grade A
    And achilles_loading_programme comes before ankle_wall_drill in the plan
    And achilles_loading_programme is a core item

  Scenario: Midportion loading follows the heavy slow resistance protocol in the pain-monitoring model
    Given a 44-year-old male runner running 70 km a week
    And the runner reports Achilles pain on the left side for 12 weeks, severity 3 out of 10
    And the pain began gradually
    Then achilles_loading_programme is recommended with a dose mentioning "3 x 15RM progressing to 4 x 6RM"
    And running_load_management is recommended with a dose mentioning "pain-monitoring model"

  Scenario: Insertional Achilles pain is loaded at floor level, and end-range drills carry a precaution
    Given a 50-year-old female runner running 30 km a week
    And the runner's knee-to-wall distance is 6.5 cm on both sides
    And the runner reports posterior heel pain on the left side for 9 weeks, severity 4 out of 10
    And the pain began gradually
    And the hop test is negative
    And the bone palpation is negative
    Then achilles_tendinopathy_insertional is a presentation on the left side
    And achilles_loading_programme is recommended with a dose mentioning "floor-level"
    And the recommendation achilles_loading_programme has grade B

  Scenario: A highly irritable Achilles starts with isometric holds
    Given a 44-year-old male runner running 70 km a week
    And the runner reports Achilles pain on the right side for 4 weeks, severity 7 out of 10
    And the pain began gradually
    Then achilles_loading_programme is recommended with a dose mentioning "isometric calf holds"

  Scenario: Plantar heel pain gets the fascia loading and stretch first, taping and orthoses as options
    Given a 47-year-old female runner running 35 km a week
    And the runner reports heel pain on the right side for 10 weeks, severity 5 out of 10
    And the pain began gradually
    And the hop test is negative
    And the bone palpation is negative
    Then plantar_heel_pain is a presentation on the right side
    And plantar_fascia_loading is recommended for the right side
    And plantar_fascia_loading is recommended with a dose mentioning "towel under the toes"
    And plantar_fascia_stretch is a core item
    And foot_orthoses is an optional item

  Scenario: Plantar heel pain with a gastrocnemius pattern adds the knee-straight calf stretch
    Given a 47-year-old female runner running 35 km a week
    And the runner's right knee-to-wall distance is 6 cm
    And the runner's right knee-straight dorsiflexion is 1 degree
    And the runner's right knee-bent dorsiflexion is 14 degrees
    And the runner reports heel pain on the right side for 10 weeks
    And the pain began gradually
    And the hop test is negative
    And the bone palpation is negative
    Then gastrocnemius_stretch is recommended for the right side

  Scenario: An asymptomatic runner at 35 degrees - within measurement error, no risks, no heavy protocol
    Given a 33-year-old male runner running 45 km a week
    And the runner's lunge angle is 35 degrees on both sides
    Then borderline_dorsiflexion is found on both sides
    And patellar_tendinopathy is not a risk
    And achilles_tendinopathy is not a risk
    And achilles_loading_programme is not recommended
    And the plan asks to remeasure_borderline for both sides
