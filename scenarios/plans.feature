Feature: Treatment plans with doses
  The article's five families of intervention, dosed from the literature, ordered by priority, explained
  back to the measurements, and re-measured in 2-4 weeks.

  Scenario: A one-sided restriction gets mobility drills on that side and a re-measure
    Given a 34-year-old female runner running 45 km a week
    And the runner's left knee-to-wall distance is 6.5 cm
    And the runner's right knee-to-wall distance is 11 cm
    Then ankle_wall_drill is recommended for the left side
    And kneeling_dorsiflexion_rocks is recommended for the left side
    And ankle_wall_drill is recommended with a dose mentioning "10-15 slow reps per side"
    And reassess_dorsiflexion is recommended for the left side
    And reassess_dorsiflexion is recommended with a dose mentioning "4-6 weeks"
    And recommendations are in priority order
    And ankle_wall_drill comes before reassess_dorsiflexion in the plan
    And no exercise is recommended for the right side

  Scenario: The wall drill is explained by the limited dorsiflexion it targets
    Given a runner whose right lunge angle is 33 degrees
    And the runner's left lunge angle is 42 degrees
    Then ankle_wall_drill is recommended for the right side
    And the explanation of ankle_wall_drill passes through limited_dorsiflexion
    And the explanation of ankle_wall_drill on the right side passes through lunge_angle_deg

  Scenario: A soleus or joint pattern gets band-assisted mobilisation first
    Given a runner whose left knee-straight dorsiflexion is 2 degrees
    And the runner's left knee-bent dorsiflexion is 6 degrees
    And the runner's right knee-straight dorsiflexion is 11 degrees
    And the runner's right knee-bent dorsiflexion is 18 degrees
    Then band_assisted_mobilization is recommended for the left side
    And band_assisted_mobilization is recommended at priority 1
    And band_assisted_mobilization is recommended with a dose mentioning "15 x 20 s strap holds"
    And the recommendation band_assisted_mobilization has grade A
    And the explanation of band_assisted_mobilization passes through soleus_or_joint_restriction
    And band_assisted_mobilization is not recommended for the right side

  Scenario: A gastrocnemius pattern gets calf foam rolling paired with mobility work, not joint mobilisation
    Given a runner whose right knee-straight dorsiflexion is 1 degree
    And the runner's right knee-bent dorsiflexion is 15 degrees
    And the runner's left knee-straight dorsiflexion is 10 degrees
    And the runner's left knee-bent dorsiflexion is 17 degrees
    Then foam_rolling is recommended for the right side
    And foam_rolling is recommended with a dose mentioning "pair with mobility work"
    And the explanation of foam_rolling passes through gastrocnemius_restriction
    And ankle_wall_drill is recommended for the right side
    And band_assisted_mobilization is not recommended

  Scenario: Achilles tightness on a stiff ankle gets heavy slow resistance calf raises
    Given a 41-year-old male runner running 50 km a week
    And the runner's right knee-to-wall distance is 7 cm
    And the runner's left knee-to-wall distance is 10 cm
    And the runner shows Achilles tightness on the right side
    Then calf_raises is recommended for the right side
    And calf_raises is recommended with a dose mentioning "15RM"
    And calf_raises is recommended with a dose mentioning "<= 5/10"
    And the explanation of calf_raises passes through achilles_tendinopathy
    And calf_raises is not recommended for the left side

  Scenario: Seen knee valgus calls for whole-chain hip and knee strength
    Given a runner whose left knee-to-wall distance is 7.5 cm
    And the runner's right knee-to-wall distance is 10 cm
    And the runner shows dynamic knee valgus on the left side
    Then kinetic_chain_strength is recommended for the left side
    And kinetic_chain_strength is recommended with a dose mentioning "hip abductor"
    And the recommendation kinetic_chain_strength has grade A
    And the explanation of kinetic_chain_strength passes through dynamic_knee_valgus

  Scenario: Balance training and contrast therapy complete the plan for a tight, stiff ankle
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner shows calf tightness on both sides
    Then single_leg_balance is recommended for both sides
    And single_leg_balance is recommended with a dose mentioning "30-60 s per leg"
    And contrast_therapy is recommended for both sides
    And contrast_therapy is recommended with a dose mentioning "start and end warm"
    And contrast_therapy is recommended at priority 5
    And contrast_therapy carries no warning
    And recommendations are in priority order

  Scenario: A clearly stiffer ankle within the normal range still gets drills and a re-measure
    Given a runner whose left knee-to-wall distance is 9.5 cm
    And the runner's right knee-to-wall distance is 12 cm
    Then limited_dorsiflexion is not found
    And ankle_wall_drill is recommended for the left side
    And reassess_dorsiflexion is recommended for the left side

  Scenario: Heels that lift in a squat despite a normal knee-to-wall distance need a movement assessment
    Given a runner whose knee-to-wall distance is 11 cm on both sides
    And the runner shows heels lifting in a deep squat on both sides
    Then professional_movement_assessment is recommended for both sides
    And professional_movement_assessment is recommended at priority 1
    And ankle_wall_drill is not recommended

  Scenario: Uneven shoe wear and a plateau are reasons for a movement assessment
    Given a runner whose knee-to-wall distance is 10.5 cm on both sides
    And the runner shows uneven shoe wear on the left side
    And the runner shows a performance plateau on both sides
    Then professional_movement_assessment is recommended for both sides
    And no exercise is recommended for either side
