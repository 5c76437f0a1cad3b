Feature: Ankle items matched to the pattern, preventive doses and a short plan
  With no complaint, a restricted ankle gets one mobility item matched to the restriction's pattern and,
  where a risk is shown, one preventive strength item; heavy protocols need a working diagnosis. The core
  home programme holds at most four items, the rest is optional, and re-tests come last
  (docs/clinical-basis.md, sections 4.3 and 9).

  Scenario: A one-sided restriction gets a pattern-matched mobility item on that side and a re-measure
    Given a 34-year-old female runner running 45 km a week
    And the runner's left knee-to-wall distance is 6.5 cm
    And the runner's right knee-to-wall distance is 11 cm
    Then band_assisted_mobilization is recommended for the left side
    And band_assisted_mobilization is recommended with a dose mentioning "15 x 20 s strap holds"
    And ankle_wall_drill is recommended for the left side
    And ankle_wall_drill is recommended with a dose mentioning "10-15 slow reps per side"
    And reassess_dorsiflexion is recommended for the left side
    And reassess_dorsiflexion is recommended with a dose mentioning "4-6 weeks"
    And recommendations are in priority order
    And band_assisted_mobilization comes before ankle_wall_drill in the plan
    And ankle_wall_drill comes before reassess_dorsiflexion in the plan
    And no exercise is recommended for the right side

  Scenario: The wall drill is explained by the limited dorsiflexion it targets
    Given a runner whose right lunge angle is 30 degrees
    And the runner's left lunge angle is 42 degrees
    Then ankle_wall_drill is recommended for the right side
    And the explanation of ankle_wall_drill passes through limited_dorsiflexion
    And the explanation of ankle_wall_drill on the right side passes through lunge_angle_deg

  Scenario: A lunge angle within measurement error of the cut-off starts nothing and is re-measured
    Given a 28-year-old male runner running 40 km a week
    And the runner's lunge angle is 35 degrees on both sides
    Then borderline_dorsiflexion is found on both sides
    And limited_dorsiflexion is not found
    And patellar_tendinopathy is not a risk
    And the plan asks to remeasure_borderline for both sides
    And no exercise is recommended for either side

  Scenario: A soleus or joint pattern gets the strap mobilisation first
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

  Scenario: A stiff ankle with a gastrocnemius pattern gets the knee-straight calf stretch, not joint mobilisation
    Given a runner whose right knee-to-wall distance is 6 cm
    And the runner's left knee-to-wall distance is 11 cm
    And the runner's right knee-straight dorsiflexion is 1 degree
    And the runner's right knee-bent dorsiflexion is 15 degrees
    And the runner's left knee-straight dorsiflexion is 10 degrees
    And the runner's left knee-bent dorsiflexion is 17 degrees
    Then gastrocnemius_stretch is recommended for the right side
    And gastrocnemius_stretch is recommended with a dose mentioning "knee straight, 5 x 30 s"
    And the explanation of gastrocnemius_stretch passes through gastrocnemius_restriction
    And band_assisted_mobilization is not recommended

  Scenario: A gastrocnemius pattern on its own only chooses between items - nothing to treat
    Given a runner whose right knee-straight dorsiflexion is 1 degree
    And the runner's right knee-bent dorsiflexion is 15 degrees
    Then gastrocnemius_restriction is found on the right side
    And limited_dorsiflexion is not found
    And gastrocnemius_stretch is not recommended

  Scenario: Calf foam rolling is optional and says the training evidence is against it
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner shows calf tightness on both sides
    Then foam_rolling is recommended for both sides
    And foam_rolling is recommended with a dose mentioning "pair with mobility work"
    And foam_rolling is an optional item

  Scenario: An Achilles at risk on a stiff ankle gets preventive calf raises, never the heavy protocol
    Given a 41-year-old male runner running 50 km a week
    And the runner's right knee-to-wall distance is 6.5 cm
    And the runner's left knee-to-wall distance is 10 cm
    And the runner shows Achilles tightness on the right side
    Then achilles_tendinopathy is a risk on the right side
    And calf_raises is recommended for the right side
    And calf_raises is recommended with a dose mentioning "2-3 x 15-25"
    And the explanation of calf_raises passes through achilles_tendinopathy
    And achilles_loading_programme is not recommended
    And calf_raises is not recommended for the left side

  Scenario: Seen knee valgus calls for hip and knee strength at the preventive dose
    Given a runner whose left knee-to-wall distance is 6.5 cm
    And the runner's right knee-to-wall distance is 10 cm
    And the runner shows dynamic knee valgus on the left side
    Then kinetic_chain_strength is recommended for the left side
    And kinetic_chain_strength is recommended with a dose mentioning "2 x/week"
    And the explanation of kinetic_chain_strength passes through dynamic_knee_valgus
    And patellofemoral_pain is a risk on the left side

  Scenario: Contrast therapy is optional, for post-run soreness only
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner shows calf tightness on both sides
    Then contrast_therapy is recommended for both sides
    And contrast_therapy is recommended with a dose mentioning "post-run soreness only"
    And contrast_therapy is an optional item
    And contrast_therapy carries no warning
    And recommendations are in priority order

  Scenario: An unstable ankle gets balance training against a recurrent sprain
    Given a runner whose knee-to-wall distance is 11 cm on both sides
    And the runner has the condition ankle instability
    Then single_leg_balance is recommended for both sides
    And single_leg_balance is recommended with a dose mentioning "30-60 s per leg"

  Scenario: A stiffer ankle within the normal range is not treated without a one-sided complaint
    Given a runner whose left knee-to-wall distance is 9.5 cm
    And the runner's right knee-to-wall distance is 12 cm
    Then limited_dorsiflexion is not found
    And dorsiflexion_asymmetry is not found
    And ankle_wall_drill is not recommended

  Scenario: A stiffer ankle with one-sided fatigue gets a drill on that side
    Given a runner whose left knee-to-wall distance is 9.5 cm
    And the runner's right knee-to-wall distance is 12 cm
    And the runner shows one-sided fatigue on the left side
    Then dorsiflexion_asymmetry is found on the left side
    And ankle_wall_drill is recommended for the left side

  Scenario: Heels that lift in a squat despite a normal knee-to-wall distance - watch the runner move
    Given a runner whose knee-to-wall distance is 11 cm on both sides
    And the runner shows heels lifting in a deep squat on both sides
    Then ankle_wall_drill is not recommended
    And the status is no_action

  Scenario: Uneven shoe wear and a plateau are reasons to watch gait and a single-leg squat
    Given a runner whose knee-to-wall distance is 10.5 cm on both sides
    And the runner shows uneven shoe wear on the left side
    And the runner shows a performance plateau on both sides
    Then the plan asks to observe_gait_and_single_leg_squat
    And no exercise is recommended for either side

  Scenario: The home programme keeps at most four core items and numbers priorities without gaps
    Given a 34-year-old female runner running 45 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner's knee-straight dorsiflexion is 2 degrees on both sides
    And the runner's knee-bent dorsiflexion is 6 degrees on both sides
    And the runner shows calf tightness on both sides
    And the runner shows Achilles tightness on both sides
    And the runner shows dynamic knee valgus on both sides
    And the runner reports front-of-knee pain on the left side for 6 weeks, severity 4 out of 10
    Then the core programme has at most 4 items
    And priorities run from 1 without gaps
    And kinetic_chain_strength is a core item
