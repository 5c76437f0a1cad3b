Feature: Safety - red flags, contraindications and precautions
  A red flag routes the runner to the right referral and withholds all exercise advice for the affected
  limb (a flag that cannot be placed on one limb covers both; a whole-patient flag such as a possible DVT
  or fever covers both legs whatever side is written). A contraindication blocks an intervention
  with its reason and, where one exists, an unblocked alternative from the same family. A precaution
  keeps the intervention with a warning (docs/clinical-basis.md sections 5 and 6).

  # --- Red flags ------------------------------------------------------------------------------------

  Scenario: Unable to bear weight after rolling the ankle - Ottawa ankle rules send for an X-ray
    Given a 27-year-old female runner running 30 km a week
    And the runner's knee-to-wall distance is 7 cm on both sides
    And the runner shows calf tightness on both sides
    And the runner reports anterior ankle pain on the right side for 0 weeks, severity 7 out of 10
    And the runner has the red flag unable to bear weight
    Then an imaging_referral is made for the right side with same_day urgency
    And the imaging_referral cites the red flag unable_to_bear_weight
    And the status is refer_urgently
    And all exercise advice is withheld on the right side because of unable_to_bear_weight
    And ankle_wall_drill is withheld on the right side because of unable_to_bear_weight pending the imaging_referral
    And ankle_wall_drill is recommended for the left side
    And nothing is withheld on the left side

  Scenario: Bone tenderness at the malleolus - Ottawa ankle rules send for an X-ray
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner reports anterior ankle pain on the left side for 1 week
    And the runner has the red flag malleolar bone tenderness
    Then an imaging_referral is made for the left side with same_day urgency
    And the status is refer_urgently
    And all exercise advice is withheld on the left side because of malleolar_bone_tenderness
    And kneeling_dorsiflexion_rocks is recommended for the right side

  Scenario: Tenderness at the 5th metatarsal base - Ottawa foot rules send for an X-ray
    Given a runner whose knee-to-wall distance is 6.5 cm on both sides
    And the runner reports midfoot pain on the left side for 1 week
    And the runner has the red flag midfoot bone tenderness
    Then an imaging_referral is made for the left side with same_day urgency
    And the status is refer_urgently
    And all exercise advice is withheld on the left side because of midfoot_bone_tenderness
    And no imaging_referral is made for the right side

  Scenario: A positive Thompson test is a suspected Achilles rupture - same-day referral, no calf loading
    Given a 45-year-old male runner running 35 km a week
    And the runner's knee-to-wall distance is 7 cm on both sides
    And the runner shows Achilles tightness on both sides
    And the runner reports Achilles pain on the left side for 0 weeks, severity 8 out of 10
    And the runner has the red flag positive Thompson test
    Then an urgent_medical_referral is made for the left side with same_day urgency
    And the status is refer_urgently
    And all exercise advice is withheld on the left side because of positive_thompson_test
    And achilles_loading_programme is withheld on the left side because of positive_thompson_test pending the urgent_medical_referral
    And achilles_loading_programme is blocked on the left side because of positive_thompson_test
    And stop_running_and_offload is recommended for the left side
    And calf_raises is recommended for the right side

  Scenario: A palpable gap in the Achilles is a suspected rupture, and without a painful side both legs are held
    Given a runner whose knee-to-wall distance is 6.5 cm on both sides
    And the runner has the red flag palpable Achilles gap
    Then an urgent_medical_referral is made for both sides
    And the status is refer_urgently
    And all exercise advice is withheld on both sides because of palpable_achilles_gap
    And calf_raises is blocked because of palpable_achilles_gap

  Scenario: A warm swollen calf may be a DVT - same-day referral, nothing on either leg until cleared
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner shows calf tightness on both sides
    And the runner reports calf pain on the right side for 1 week
    And the runner has the red flag calf swelling warmth
    Then an urgent_medical_referral is made for both sides with same_day urgency
    And the status is refer_urgently
    And foam_rolling is withheld on the right side because of calf_swelling_warmth
    And foam_rolling is blocked on the right side because of calf_swelling_warmth
    And contrast_therapy is blocked on the right side because of calf_swelling_warmth
    And all exercise advice is withheld on both sides because of calf_swelling_warmth
    And the explanation of the block on foam_rolling passes through calf_swelling_warmth
    And nothing is given on either leg until medically cleared

  Scenario: A Wells score of 2 or more without a painful side holds advice on both legs
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner has the red flag DVT Wells likely
    Then an urgent_medical_referral is made for both sides
    And the status is refer_urgently
    And all exercise advice is withheld on both sides because of dvt_wells_likely

  Scenario: Focal bone tenderness on the shin is a suspected stress fracture - stop running and image
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner reports shin pain on the left side for 3 weeks
    And the runner has the red flag focal bone tenderness
    Then an imaging_referral is made for the left side with soon urgency
    And the status is refer
    And all exercise advice is withheld on the left side because of focal_bone_tenderness
    And band_assisted_mobilization is recommended for the right side

  Scenario: Pain on hopping with shin pain is a suspected stress fracture
    Given a runner whose knee-to-wall distance is 6.5 cm on both sides
    And the runner reports shin pain on the right side for 5 weeks
    And the runner has the red flag pain on hopping
    Then an imaging_referral is made for the right side
    And the status is refer
    And all exercise advice is withheld on the right side because of pain_on_hopping

  Scenario: Night pain with shin pain - image for a bone stress injury and stop running on that leg
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner reports shin pain on the left side for 6 weeks
    And the runner has the red flag night pain
    Then an imaging_referral is made for the left side with soon urgency
    And the imaging_referral cites the red flag night_pain
    And no urgent_medical_referral is made
    And the status is refer
    And stop_running_and_offload is recommended for the left side
    And all exercise advice is withheld on the left side because of night_pain
    And ankle_wall_drill is recommended for the right side

  Scenario: Night pain away from the bone sites is referred to a doctor within two weeks
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner reports front-of-knee pain on the left side for 6 weeks
    And the runner has the red flag night pain
    Then a medical_referral is made for both sides with soon urgency
    And the status is refer

  Scenario: Foot drop is a neurological red flag for a same-day specialist
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner has the red flag foot drop
    Then a specialist_referral is made with same_day urgency
    And the status is refer_urgently
    And all exercise advice is withheld on both sides because of foot_drop

  Scenario: Numbness or weakness in the leg is a neurological red flag for a specialist within two weeks
    Given a runner whose left knee-to-wall distance is 6 cm
    And the runner's right knee-to-wall distance is 7 cm
    And the runner has the red flag numbness or weakness
    Then a specialist_referral is made for both sides with soon urgency
    And the status is refer
    And all exercise advice is withheld on both sides because of numbness_or_weakness

  Scenario: Fever is a systemic red flag that covers both legs
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner shows calf tightness on both sides
    And the runner has the red flag fever or systemic illness
    Then an urgent_medical_referral is made for both sides with same_day urgency
    And the status is refer_urgently
    And all exercise advice is withheld on both sides because of fever_or_systemic_illness
    And no exercise is recommended for the left side
    And no exercise is recommended for the right side

  Scenario: Unexplained weight loss is a systemic red flag that covers both legs
    Given a 58-year-old male runner running 25 km a week
    And the runner's right knee-to-wall distance is 6 cm
    And the runner's left knee-to-wall distance is 6.5 cm
    And the runner has the red flag unexplained weight loss
    Then a medical_referral is made for both sides with soon urgency
    And the medical_referral is for the whole patient
    And the status is refer
    And nothing is given on either leg until medically cleared
    And all exercise advice is withheld on both sides because of unexplained_weight_loss
    And reassess_dorsiflexion is withheld on the right side because of unexplained_weight_loss

  Scenario: A runner who cannot bear weight is not asked to do a weight-bearing lunge on that leg
    Given a runner
    And the runner reports anterior ankle pain on the right side for 0 weeks
    And the runner shows calf tightness on the right side
    And the runner has the red flag unable to bear weight
    Then an imaging_referral is made for the right side
    And stop_running_and_offload is recommended for the right side
    And the plan does not ask to measure_weight_bearing_lunge for the right side

  Scenario: A runner who cannot bear weight on the left is not asked to lunge-test the left to compare sides
    Given a runner whose right knee-to-wall distance is 7 cm
    And the runner reports anterior ankle pain on the left side for 0 weeks
    And the runner has the red flag unable to bear weight
    Then an imaging_referral is made for the left side
    And ankle_wall_drill is recommended for the right side
    And the plan does not ask to measure_other_side

  # --- Contraindications ----------------------------------------------------------------------------

  Scenario: Raynaud's phenomenon blocks contrast therapy, and no other recovery option exists
    Given a runner whose left knee-to-wall distance is 7 cm
    And the runner's right knee-to-wall distance is 11 cm
    And the runner shows calf tightness on the left side
    And the runner has the condition Raynaud's
    Then contrast_therapy is blocked on the left side because of raynauds with no alternative
    And contrast_therapy is not recommended
    And the explanation of the block on contrast_therapy passes through raynauds
    And foam_rolling is recommended for the left side
    And the status is plan

  Scenario Outline: Every contraindication to hot and cold exposure blocks contrast therapy
    Given a runner whose knee-to-wall distance is 7 cm on both sides
    And the runner shows Achilles tightness on both sides
    And the runner has the condition <condition>
    Then contrast_therapy is blocked on both sides because of <condition>
    And contrast_therapy is not recommended

    Examples:
      | condition                   |
      | cold_urticaria              |
      | cold_intolerance            |
      | peripheral_vascular_disease |
      | impaired_sensation          |
      | diabetic_neuropathy         |
      | open_wound                  |
      | active_cancer               |
      | bleeding_disorder           |
      | acute_injury_72h            |
      | uncontrolled_hypertension   |
      | heart_disease               |
      | skin_infection              |

  Scenario: An open wound blocks all soft-tissue work, with no soft-tissue alternative
    Given a runner whose right knee-straight dorsiflexion is 1 degree
    And the runner's right knee-bent dorsiflexion is 15 degrees
    And the runner's left knee-straight dorsiflexion is 10 degrees
    And the runner's left knee-bent dorsiflexion is 17 degrees
    And the runner shows calf tightness on the right side
    And the runner has the condition open wound
    Then foam_rolling is blocked on the right side because of open_wound with no alternative
    And sports_massage is blocked on the right side because of open_wound with no alternative
    And foam_rolling is not recommended
    And ankle_wall_drill is recommended for the right side

  Scenario: A recent fracture blocks joint mobilisation and soft-tissue work
    Given a runner whose left knee-to-wall distance is 6.5 cm
    And the runner's left knee-straight dorsiflexion is 2 degrees
    And the runner's left knee-bent dorsiflexion is 6 degrees
    And the runner's right knee-straight dorsiflexion is 11 degrees
    And the runner's right knee-bent dorsiflexion is 18 degrees
    And the runner shows calf tightness on the left side
    And the runner has the condition recent fracture
    Then band_assisted_mobilization is blocked on the left side because of recent_fracture with an alternative
    And foam_rolling is blocked on the left side because of recent_fracture

  Scenario: An unstable ankle keeps band-assisted mobilisation with a precaution (grades I-III, no thrust)
    Given a runner whose left knee-straight dorsiflexion is 2 degrees
    And the runner's left knee-bent dorsiflexion is 6 degrees
    And the runner's right knee-straight dorsiflexion is 12 degrees
    And the runner's right knee-bent dorsiflexion is 20 degrees
    And the runner has the condition ankle instability
    Then band_assisted_mobilization is recommended for the left side
    And band_assisted_mobilization carries a warning mentioning "pain-free grades I-III only, no thrust"

  Scenario: A suspected anterior impingement prefers the strap posterior glide; imaging only after 6 weeks
    Given a runner whose left knee-to-wall distance is 6.5 cm
    And the runner's left knee-straight dorsiflexion is 2 degrees
    And the runner's left knee-bent dorsiflexion is 6 degrees
    And the runner's right knee-straight dorsiflexion is 12 degrees
    And the runner's right knee-bent dorsiflexion is 20 degrees
    And the runner shows an anterior ankle pinch on the left side
    And the runner reports anterior ankle pain on the left side for 8 weeks
    And the hop test is negative
    And the bone palpation is negative
    Then suspected_anterior_impingement is found on the left side
    And band_assisted_mobilization is recommended for the left side
    And ankle_wall_drill carries a warning mentioning "after the strap mobilisation"
    And an imaging_referral is made for the left side with routine urgency
    And the status is refer

  Scenario: An acute injury within 72 hours blocks calf loading; balance work is the alternative
    Given a runner whose right knee-to-wall distance is 7 cm
    And the runner's left knee-to-wall distance is 10 cm
    And the runner shows Achilles tightness on the right side
    And the runner has the condition acute injury 72h
    Then calf_raises is blocked on the right side because of acute_injury_72h with the alternative single_leg_balance
    And foam_rolling carries a warning mentioning "72 hours"

  # --- Precautions ----------------------------------------------------------------------------------

  Scenario: Anticoagulants keep foam rolling in the plan with lighter pressure
    Given a 67-year-old male runner running 20 km a week
    And the runner's knee-to-wall distance is 7 cm on both sides
    And the runner shows calf tightness on both sides
    And the runner has the condition anticoagulants
    Then foam_rolling is recommended for both sides
    And foam_rolling carries a warning mentioning "lighter pressure"
    And foam_rolling is not blocked
    And contrast_therapy carries no warning

  Scenario: Hypermobility keeps band-assisted mobilisation with gentle grades only
    Given a runner whose left knee-straight dorsiflexion is 3 degrees
    And the runner's left knee-bent dorsiflexion is 8 degrees
    And the runner's right knee-straight dorsiflexion is 12 degrees
    And the runner's right knee-bent dorsiflexion is 19 degrees
    And the runner has the condition hypermobility
    Then band_assisted_mobilization is recommended for the left side
    And band_assisted_mobilization carries a warning mentioning "gentle oscillations only"
    And band_assisted_mobilization is not blocked

  Scenario: In pregnancy contrast therapy stays, as limb immersion at the low end of warm
    Given a 31-year-old female runner running 25 km a week
    And the runner's knee-to-wall distance is 6.5 cm on both sides
    And the runner shows Achilles tightness on both sides
    And the runner has the condition pregnancy
    Then contrast_therapy is recommended for both sides
    And contrast_therapy carries a warning mentioning "limb immersion only"
    And contrast_therapy is not blocked
