Feature: Running load
  Load is managed whatever the ankle: a rapid increase (more than 30 %) sends volume back towards the earlier
  level, a new runner starts low, and irritability sets the starting dose (docs/clinical-basis.md, section 4.1).

  Scenario: A rapid increase without symptoms is still managed
    Given a 30-year-old male runner running 52 km a week
    And the runner ran 35 km a week four weeks ago
    Then rapid_load_increase is found on both sides
    And running_load_management is recommended for both sides
    And the finding rapid_load_increase has grade B

  Scenario: A 30 % rise is within the guideline
    Given a 30-year-old male runner running 39 km a week
    And the runner ran 30 km a week four weeks ago
    Then rapid_load_increase is not found

  Scenario: A new runner starts low
    Given a 45-year-old female runner running 10 km a week
    And the runner ran 0 km a week four weeks ago
    Then new_or_returning_runner is found on both sides
    And running_load_management is recommended with a dose mentioning "start low"

  Scenario: Moderate irritability halves the volume
    Given a 35-year-old female runner running 40 km a week
    And the runner reports front-of-knee pain on the left side for 6 weeks, severity 5 out of 10
    And the pain began gradually
    Then moderate_irritability is found on the left side
    And running_load_management is recommended with a dose mentioning "half the volume"

  Scenario: Low irritability drops only the provoking run type
    Given a 35-year-old female runner running 40 km a week
    And the runner reports front-of-knee pain on the left side for 6 weeks, severity 2 out of 10
    And the pain began gradually
    Then low_irritability is found on the left side
    And running_load_management is recommended with a dose mentioning "drop only the run type"

  Scenario: A symptom with no onset and no weeks asks for the details
    Given a 35-year-old female runner running 40 km a week
    And the runner reports front-of-knee pain on the left side
    Then the plan asks to record_symptom_details for the left side
