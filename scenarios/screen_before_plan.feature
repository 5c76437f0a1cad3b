Feature: Screen before you plan - case format v2, red flags by side, urgencies and holds
  A clinician must do certain screens before any plan is safe (docs/clinical-basis.md, section 7).
  When a required screen is not recorded, the engine asks for it, says SCREEN FIRST, and holds the items
  the screen would change; everything else is still given. A recorded red flag always refers; a
  whole-patient flag (a possible DVT, a cauda equina sign, chest pain, fever, weight loss) holds every
  item on both legs until the runner is medically cleared.

  # --- Screens (section 7) ------------------------------------------------------------------------

  Scenario: Calf pain after a long flight on anticoagulants - score Wells before touching the calf
    Given a 62-year-old male runner running 30 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports calf pain on the right side for 0 weeks, severity 5 out of 10
    And the pain began gradually
    And the runner has the condition anticoagulants
    And the runner has the condition recent travel or surgery
    Then the status is screen_first
    And the plan asks to screen_dvt_wells for the right side
    And band_assisted_mobilization is held on the right side until screen_dvt_wells is answered
    And ankle_wall_drill is held on the left side until screen_dvt_wells is answered
    And the status line says "answer screen_dvt_wells"

  Scenario: Calf pain without a VTE risk factor holds only that leg
    Given a 30-year-old female runner running 40 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports calf pain on the left side for 2 weeks
    And the pain began gradually
    Then the status is screen_first
    And ankle_wall_drill is held on the left side until screen_dvt_wells is answered
    And the plan still gives ankle_wall_drill for the right side

  Scenario: A low Wells score lifts the calf hold
    Given a 30-year-old female runner running 40 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports calf pain on the left side for 2 weeks
    And the pain began gradually
    And the Wells score is 0
    Then the status is plan
    And ankle_wall_drill is recommended for the left side
    And the plan does not ask to screen_dvt_wells

  Scenario: A Wells score of 2 is a likely DVT - same day, nothing on either leg
    Given a 45-year-old male runner running 40 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports calf pain on the left side for 1 week
    And the Wells score is 2
    Then an urgent_medical_referral is made with same_day urgency
    And the urgent_medical_referral cites the red flag dvt_wells_likely
    And the urgent_medical_referral is for the whole patient
    And the status is refer_urgently
    And nothing is given on either leg until medically cleared

  Scenario: A low Wells score with a VTE risk factor still needs a same-day D-dimer
    Given a 50-year-old female runner running 20 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports calf pain on the right side for 1 week
    And the pain began gradually
    And the Wells score is 1
    And the runner has the condition prior vte
    Then a medical_referral is made for the right side with same_day urgency
    And the status is refer_urgently
    And ankle_wall_drill is not recommended

  Scenario: Calf pain in pregnancy is assessed the same day whatever the Wells score
    Given a 32-year-old female runner running 20 km a week
    And the runner reports calf pain on the left side for 1 week
    And the pain began gradually
    And the Wells score is 0
    And the runner has the condition pregnancy
    Then a medical_referral is made for the left side with same_day urgency
    And the status is refer_urgently

  Scenario: A sudden kick at the Achilles - Thompson test before any calf work
    Given a 41-year-old male runner running 50 km a week
    And the runner's knee-to-wall distance is 7 cm on both sides
    And the runner reports achilles pain on the left side for 0 weeks, severity 6 out of 10
    And the pain began suddenly
    Then the status is screen_first
    And the plan asks to screen_thompson for the left side
    And band_assisted_mobilization is held on the left side until screen_thompson is answered
    And the plan still gives band_assisted_mobilization for the right side

  Scenario: A negative Thompson test lifts the rupture hold
    Given a 41-year-old male runner running 50 km a week
    And the runner's knee-to-wall distance is 7 cm on both sides
    And the runner reports achilles pain on the left side for 3 weeks
    And the pain began suddenly
    And the Thompson test is negative on the left side
    Then the plan does not ask to screen_thompson
    And band_assisted_mobilization is recommended for the left side
    And a medical_referral is made for the left side with soon urgency

  Scenario: A positive Thompson test is the rupture red flag
    Given a 41-year-old male runner running 50 km a week
    And the runner reports achilles pain on the right side for 0 weeks
    And the pain began suddenly
    And the Thompson test is positive on the right side
    Then an urgent_medical_referral is made for the right side with same_day urgency
    And the urgent_medical_referral cites the red flag positive_thompson_test
    And stop_running_and_offload is recommended for the right side
    And stop_running_and_offload is recommended at priority 1

  Scenario: A rolled ankle this week - Ottawa rules first, no weight-bearing lunge asked
    Given a 27-year-old female runner running 30 km a week
    And the runner reports lateral ankle pain on the right side for 0 weeks, severity 7 out of 10
    And the pain began with an injury
    Then the status is screen_first
    And the plan asks to screen_ottawa for the right side
    And the plan does not ask to measure_weight_bearing_lunge for the right side

  Scenario: A positive Ottawa rule sends for a same-day X-ray and offloads
    Given a 27-year-old female runner running 30 km a week
    And the runner's knee-to-wall distance is 7 cm on both sides
    And the runner reports lateral ankle pain on the right side for 0 weeks
    And the pain began with an injury
    And the Ottawa rules is positive on the right side
    Then an imaging_referral is made for the right side with same_day urgency
    And the imaging_referral cites the red flag ottawa_positive
    And stop_running_and_offload is recommended for the right side
    And all exercise advice is withheld on the right side because of ottawa_positive
    And ankle_wall_drill is recommended for the left side

  Scenario: Gradual shin pain without a bone-stress screen holds running load work, not ankle mobility
    Given a 24-year-old male runner running 60 km a week
    And the runner ran 40 km a week four weeks ago
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports shin pain on the left side for 5 weeks
    And the pain began gradually
    Then the status is screen_first
    And the plan asks to screen_bone_stress for the left side
    And running_load_management is held on the left side until screen_bone_stress is answered
    And the plan still gives ankle_wall_drill for the left side

  Scenario: A negative hop test and palpation lift the bone-stress hold
    Given a 24-year-old male runner running 60 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports shin pain on the left side for 5 weeks
    And the pain began gradually
    And the hop test is negative
    And the bone palpation is negative
    Then the plan does not ask to screen_bone_stress
    And medial_tibial_stress_syndrome is a presentation on the left side
    And graded_return_to_run is recommended for the left side
    And medial_tibial_stress_syndrome is not a risk

  Scenario: Radiating leg pain with low back pain - neurological screen before treating that leg
    Given a 38-year-old male runner running 35 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports lower back pain on both sides for 4 weeks
    And the runner shows radiating leg pain on the right side
    Then the status is screen_first
    And the plan asks to screen_neuro
    And ankle_wall_drill is held on the right side until screen_neuro is answered
    And the plan still gives ankle_wall_drill for the left side

  Scenario: A 13-year-old with knee pain - screen for a slipped epiphysis before loading
    Given a 13-year-old male runner running 15 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports front-of-knee pain on the right side for 3 weeks
    And the pain began gradually
    Then the status is screen_first
    And the plan asks to screen_scfe for the right side
    And kinetic_chain_strength is held on the right side until screen_scfe is answered

  # --- Red flags, urgencies and whole-patient holds (section 5) -------------------------------------

  Scenario: A DVT on the right beside an old left calf symptom - nothing on either leg
    Given a 55-year-old female runner running 25 km a week
    And the runner's knee-to-wall distance is 6.5 cm on both sides
    And the runner reports calf pain on the left side for 30 weeks
    And the runner has the red flag calf swelling warmth on the right side
    And the Wells score is 3
    Then an urgent_medical_referral is made with same_day urgency
    And the urgent_medical_referral is for the whole patient
    And the status is refer_urgently
    And nothing is given on either leg until medically cleared
    And the status line says "until medically cleared"

  Scenario: Saddle anaesthesia is an emergency for the whole patient
    Given a 44-year-old male runner running 30 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports lower back pain on both sides for 1 week
    And the runner has the red flag saddle anaesthesia
    Then an urgent_medical_referral is made with emergency urgency
    And the status is refer_urgently
    And nothing is given on either leg until medically cleared

  Scenario: A new bladder or bowel change is an emergency
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner has the red flag bladder or bowel change
    Then an urgent_medical_referral is made with emergency urgency
    And the urgent_medical_referral cites the red flag bladder_or_bowel_change

  Scenario: Chest pain or breathlessness is an emergency
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner reports calf pain on the left side for 1 week
    And the runner has the red flag chest pain or breathlessness
    Then an urgent_medical_referral is made with emergency urgency
    And nothing is given on either leg until medically cleared

  Scenario: A limping 12-year-old with knee pain - same-day referral for a slipped epiphysis
    Given a 12-year-old male runner running 10 km a week
    And the runner reports front-of-knee pain on the left side for 2 weeks
    And the runner has the red flag limp with hip or knee pain
    Then an urgent_medical_referral is made for the left side with same_day urgency
    And stop_running_and_offload is recommended for the left side
    And stop_running_and_offload is recommended with a dose mentioning "non-weight-bearing"
    And the status is refer_urgently

  Scenario: Exertional calf claudication is referred within two weeks
    Given a 58-year-old male runner running 20 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner has the red flag exertional calf claudication
    Then a medical_referral is made with soon urgency
    And the status is refer

  Scenario: A v1 red-flag list without a symptom site covers both legs, never one guessed limb
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner has the red flag focal bone tenderness
    Then an imaging_referral is made for both sides with soon urgency
    And all exercise advice is withheld on both sides because of focal_bone_tenderness

  Scenario: A sided red flag leaves the other leg its plan
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner has the red flag focal bone tenderness on the left side
    Then an imaging_referral is made for the left side with soon urgency
    And all exercise advice is withheld on the left side because of focal_bone_tenderness
    And ankle_wall_drill is recommended for the right side

  Scenario: Bone stress at the groin is a possible femoral neck fracture - same day
    Given a 29-year-old female runner running 70 km a week
    And the runner reports groin pain on the right side for 4 weeks
    And the runner has the red flag pain on hopping on the right side
    Then an imaging_referral is made for the right side with same_day urgency
    And stop_running_and_offload is recommended for the right side

  Scenario: A v1 urgent rule base word reads as same day
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner has the red flag foot drop
    Then a specialist_referral is made with same_day urgency
    And the status is refer_urgently

  # --- Contraindications and precautions (section 6 and 8) ------------------------------------------

  Scenario: An unstable ankle keeps the strap mobilisation, with a precaution
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner's knee-straight dorsiflexion is 2 degrees on both sides
    And the runner's knee-bent dorsiflexion is 6 degrees on both sides
    And the runner has the condition ankle instability
    Then band_assisted_mobilization is recommended
    And band_assisted_mobilization carries a warning mentioning "no thrust"

  Scenario: Fluoroquinolones block heavy calf loading
    Given a 38-year-old male runner running 45 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports achilles pain on the left side for 8 weeks
    And the pain began gradually
    And the runner has the condition fluoroquinolone use
    Then achilles_tendinopathy_midportion is a presentation on the left side
    And achilles_loading_programme is blocked on the left side because of fluoroquinolone_use

  Scenario: A recent corticosteroid injection blocks heavy calf loading
    Given a 38-year-old male runner running 45 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports achilles pain on the left side for 8 weeks
    And the pain began gradually
    And the runner has the condition recent corticosteroid injection
    Then achilles_tendinopathy_midportion is a presentation on the left side
    And achilles_loading_programme is blocked on the left side because of recent_corticosteroid_injection

  Scenario: Uncontrolled hypertension blocks heavy calf loading
    Given a 38-year-old male runner running 45 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner reports achilles pain on the left side for 8 weeks
    And the pain began gradually
    And the runner has the condition uncontrolled hypertension
    Then achilles_tendinopathy_midportion is a presentation on the left side
    And achilles_loading_programme is blocked on the left side because of uncontrolled_hypertension

  Scenario: Under 16 - no heavy loading and no contrast therapy
    Given a 14-year-old female runner running 20 km a week
    And the runner's knee-to-wall distance is 6 cm on both sides
    And the runner shows achilles tightness on the left side
    And the runner shows calf tightness on both sides
    And the runner reports achilles pain on the left side for 8 weeks
    And the pain began gradually
    Then achilles_loading_programme is not recommended
    And achilles_tendinopathy_midportion is not a presentation
    And contrast_therapy is blocked because of age_under_16

  Scenario: On anticoagulants with an acute injury - no heat and no massage over it
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner shows calf tightness on both sides
    And the runner has the condition anticoagulants
    And the runner has the condition acute injury 72h
    Then contrast_therapy is blocked because of anticoagulants
    And foam_rolling is blocked because of anticoagulants

  Scenario: Unstable-surface balance progressions are taken out with osteoporosis
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner has the condition severe osteoporosis
    And the runner has the condition ankle instability
    Then single_leg_balance is recommended
    And single_leg_balance carries a warning mentioning "no eyes-closed or unstable-surface"

  Scenario: Suspected anterior impingement keeps the strap glide and puts a precaution on end-range drills
    Given a runner whose knee-to-wall distance is 6 cm on both sides
    And the runner shows anterior ankle pinch on both sides
    And the runner's knee-straight dorsiflexion is 2 degrees on both sides
    And the runner's knee-bent dorsiflexion is 6 degrees on both sides
    Then band_assisted_mobilization is recommended for both sides
    And band_assisted_mobilization is not blocked
    And ankle_wall_drill carries a warning mentioning "after the strap"
