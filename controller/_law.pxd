# cython: language_level=3
"""The contract of the landing law: C structs and the functions over them.

Everything that crosses between the world and the controller is one of two
records, SensorFrame (world -> controller) and Command (controller -> world),
with the same field names in Python (hilander.controller.interface), here, on
the wire and in the firmware. SI units; a vector names its frame (S: site
frame, east-north-up, origin on the ground at the nominal target).
"""

from libc.stdint cimport int32_t, int64_t, uint32_t

from hilander.controller._convex cimport (
    CVX_NODES_MAX, CvxPlan, CvxProblem, CvxRun, CvxWork,
)
from hilander.controller._cvx_search cimport CvxSearch

cdef enum:
    HAZARD_MAP_MAX_CELLS = 64            # cells per side of the hazard map
    HAZARD_MAP_MAX_SIZE = 4096           # HAZARD_MAP_MAX_CELLS ** 2

# Phases of a descent (a legged lander skips PHASE_SKY_CRANE, PHASE_TETHER_CUT
# and PHASE_FLYAWAY; a lander that hovers to map flies PHASE_HOVER between
# PHASE_DIVERT and PHASE_CONSTANT_VELOCITY; an airbag lander flies
# PHASE_PARACHUTE, PHASE_RAD_BURN, PHASE_LANDED). A value is a name, not a
# place in the flight: the law reads the phase table (PhaseRow, below).
cdef enum:
    PHASE_POWERED_APPROACH = 0
    PHASE_DIVERT = 1
    PHASE_CONSTANT_VELOCITY = 2
    PHASE_SKY_CRANE = 3
    PHASE_TOUCHDOWN_DETECTION = 4
    PHASE_TETHER_CUT = 5
    PHASE_FLYAWAY = 6
    PHASE_LANDED = 7                     # legged lander: engines cut off on its legs
    PHASE_HOVER = 8                      # hover-and-map, after the approach, before the descent
    PHASE_PARACHUTE = 9                  # airbags: on the parachute, RADs not yet fired
    PHASE_RAD_BURN = 10                  # airbags: RADs fired, bridle not yet cut
    PHASE_COUNT = 11

# Landing systems (LawParams.landing_system).
cdef enum:
    LANDING_SKY_CRANE = 0                # rover lowered on a bridle, tether cut, flyaway
    LANDING_LEGS = 1                     # lander on legs, engine cutoff on leg contact
    LANDING_AIRBAGS = 2                  # lander in airbags on a bridle: RAD fire, bridle cut

# Discrete events, bit flags. Command.events holds every event commanded so
# far (latched), so a lost command never loses an event.
cdef enum:
    EVENT_SITE_SELECTED = 1
    EVENT_ROVER_RELEASE = 2
    EVENT_TOUCHDOWN_DECLARED = 4
    EVENT_TETHER_CUT = 8
    EVENT_ENGINE_CUTOFF = 16
    EVENT_RAD_FIRE = 32                  # airbag landers: the solid rockets fired
    EVENT_BRIDLE_CUT = 64                # airbag landers: the lander let go

# Status bits of one step (not latched).
cdef enum:
    STATUS_THRUST_SATURATED = 1
    STATUS_TILT_LIMITED = 2
    STATUS_THROTTLE_RATE_LIMITED = 4
    STATUS_NO_SAFE_SITE = 8
    STATUS_TGO_INFEASIBLE = 16
    STATUS_RADAR_INVALID = 32
    STATUS_SITE_SEARCH = 64              # a site search is under way: the site may still move
    STATUS_PLAN_INFEASIBLE = 128         # convex guidance: no plan reaches the site chosen
    STATUS_PLANNING = 256                # a replan is under way: the plan in hand (or Apollo) flies

# LawParams.guidance (controller/config.py, GUIDANCES)
cdef enum:
    GUIDANCE_APOLLO = 0
    GUIDANCE_CONVEX = 1

cdef struct SensorFrame:
    int64_t step
    double time_s
    double radar_altitude_m              # descent stage above the terrain under it
    int32_t radar_altitude_valid
    double radar_velocity_S_mps[3]
    int32_t radar_velocity_valid
    double nav_position_S_m[3]           # navigation solution (with its errors)
    double nav_velocity_S_mps[3]
    double specific_force_S_mps2[3]      # IMU: non-gravitational acceleration
    double mass_estimate_kg              # flying vehicle (with the rover until the cut)
    double thrust_measured_N             # throttle feedback: delivered total thrust
    int32_t engines_active
    double bridle_tension_N
    int32_t contact                      # leg contact bits, bit i = leg i (none on a sky crane)
    int32_t hazard_map_ready             # a new hazard map comes with this frame

cdef struct HazardMap:
    int32_t cells                        # per side, <= HAZARD_MAP_MAX_CELLS
    double cell_size_m
    double origin_S_m[2]                 # south-west corner of cell (0, 0)
    float cost[HAZARD_MAP_MAX_SIZE]      # 0 safe .. 1 hazard; index = row * cells + col
    float elevation_m[HAZARD_MAP_MAX_SIZE]  # row = north index, col = east index

cdef struct Command:
    int64_t step                         # echo of SensorFrame.step
    double thrust_S_N[3]                 # total thrust vector the law expects
    double throttle                      # per-engine fraction of max thrust, 0 = off
    int32_t phase
    uint32_t events                      # latched EVENT_* bits
    double site_S_m[3]                   # selected landing site (x, y, ground z)
    uint32_t status                      # STATUS_* bits of this step

cdef struct LawParams:
    # vehicle, as the flight software knows it
    int32_t landing_system               # LANDING_*
    double control_rate_Hz
    double gravity_mps2
    int32_t engine_count
    double engine_thrust_max_N
    double throttle_min
    double throttle_max
    double throttle_rate_max_per_s
    double cant_rad
    double tilt_max_rad
    double isp_s
    double bridle_length_m
    double bridle_payout_time_s
    double rover_height_m
    double propellant_mass_kg            # on board at the law's start
    double slew_rate_max_radps           # convex: the plan's rate rows (0: none)
    # powered approach and divert
    double gate_altitude_m
    double gate_speed_mps
    double guidance_gain
    double turn_speed_error_mps
    double tgo_min_s
    double tgo_max_s
    double tgo_switch_s
    double tgo_freeze_s
    double replan_period_s
    # convex guidance (_plan.pyx)
    int32_t guidance                     # GUIDANCE_*
    int32_t plan_nodes
    double plan_throttle_max
    double plan_reserve_kg
    double plan_glide_slope_rad
    double plan_position_gain_per_s2
    double plan_velocity_gain_per_s
    int32_t plan_iterations_per_tick     # solver work per step (0: a replan in one step)
    double hover_s                       # hover-and-map at the gate this long (0: none)
    # terminal descent
    double sky_crane_altitude_m
    double sky_crane_speed_mps
    double final_decel_mps2
    double vertical_gain_per_s
    double vertical_integral_gain_per_s2
    double position_gain_per_s
    double horizontal_gain_per_s
    double horizontal_speed_max_mps
    double sky_crane_horizontal_speed_max_mps
    double radar_velocity_gate_mps       # radar velocity used within this of the navigation's
    # hazard avoidance
    double site_cost_safe_max
    double site_clearance_min_m
    double site_clearance_pref_m
    double divert_max_m
    double divert_accel_fraction
    double site_weight_clearance
    double site_weight_distance
    double site_weight_propellant
    double site_propellant_scale_kg
    int32_t site_search_rows_per_tick    # rows of site-search work per step (_sites.pyx, H)
    # touchdown detection and tether cut
    double td_thrust_ratio
    double td_persistence_s
    double td_filter_time_s
    double td_arm_settle_s
    double td_gate_altitude_m            # highest altitude a touchdown is plausible at
    double td_arm_altitude_m             # legs: contact sensing is armed below this
    int32_t td_contact_samples           # legs: consecutive contact samples for touchdown
    double tether_cut_delay_s
    # airbags
    double airbag_release_altitude_m     # the lander's bottom this high when it is let go
    double airbag_cut_speed_mps          # the bridle is cut once descending this slowly
    # flyaway
    double flyaway_climb_s
    double flyaway_climb_thrust_factor
    double flyaway_tilt_rad
    double flyaway_burn_s
    double flyaway_thrust_factor

# The site search's question, frozen on the step its map came in (_sites.pyx).
cdef struct SiteQuery:
    double nominal_S_m[2]                # the nominal target
    double current_S_m[2]                # the site guidance flies to now
    double tgo_s                         # time left to reach it
    double accel_divert_mps2             # horizontal acceleration to spend on a divert
    double mass_kg
    double exhaust_velocity_mps
    double cost_safe_max                 # a cell is safe when its cost is below this
    double clearance_min_m
    double clearance_pref_m
    double divert_max_m
    double weight_clearance
    double weight_distance
    double weight_propellant
    double propellant_scale_kg

# A site search spread over control steps: work units of one map row each,
# the clearance transform's forward pass, its backward pass, then the
# scaling and scoring (3 x cells units).
cdef struct SiteSearch:
    int32_t running                      # 1 while a search is under way
    int32_t unit                         # work units done
    int32_t best_tier                    # the best cell so far: its tier (3: none yet),
    int32_t best_k                       # its index (-1: none yet)
    double best_cost                     # and its cost
    int32_t here_tier                    # the worst tier of the cells under the site it began at
    SiteQuery q

# A replan under way (_plan.pyx, E): its stage, and what it solves.
cdef enum:
    JOB_IDLE = 0                         # none under way
    JOB_FIXED = 1                        # at the time left (and its stretches)
    JOB_SEARCH = 2                       # the first plan's final-time search
    JOB_MARGIN = 3                       # its optimum, TIME_MARGIN longer
    JOB_WIDE = 4                         # the fallback's search to its widest disc
    JOB_BISECT = 5                       # its bisection on the disc's radius

cdef struct PlanJob:
    int32_t stage                        # JOB_*
    int32_t missing                      # SEARCH, MARGIN the fallback's: 1 disc, 2 safe_S_m (D)
    int32_t count                        # stretches, or bisection steps, done
    int32_t found                        # it ended with a plan to the site adopted
    int32_t kept                         # the site a search left: 1 to try, 2 tried (E)
    double start_s                       # the step it began on: the plan starts there
    double tf
    double lo                            # the bisection's radii
    double hi
    double radius_max_m
    double ground_m                      # the fallback's site height (the radar's ground)
    double safe_S_m[3]                   # the safe cell nearest the least miss's end
    CvxProblem q                         # the problem of the stage
    CvxProblem to_ground                 # the fallback's problem, before its disc
    CvxSearch search
    CvxRun run
    CvxPlan plan
    CvxPlan best

# Convex guidance's plan (_plan.pyx): the start state, and the thrust
# acceleration held over each of its intervals.
cdef struct PlanState:
    int32_t valid                        # a plan is in hand
    int32_t failed                       # no plan lands within miss_max_m: the Apollo law flies
    int32_t missed                       # no plan reaches the site: the fallback's flies
    double dry_mass_kg                   # the plan's: the law's first mass estimate less the load
    double start_s                       # the time the plan starts from
    double time_of_flight_s
    int32_t nodes
    double position_m[3]                 # the navigation state at start_s
    double velocity_mps[3]
    double accel_mps2[CVX_NODES_MAX][3]
    double next_replan_s
    int32_t kept                         # a site search left a site a plan reached, safe:
    double kept_site_S_m[3]              # this one, flown to if none reaches the new site
    PlanJob job                          # the replan under way (E)

cdef struct LawState:
    int32_t phase
    uint32_t events
    int32_t started
    int32_t turned                       # the turn-round burn is over (or was not needed)
    int32_t tracking                     # this step flies the convex plan: its horizontal first
    double raise_max_mps2                # tracking: the vertical the stage may raise to (track)
    double phase_start_s
    double site_S_m[3]
    double tgo_s
    double next_replan_s
    double vz_integral_mps
    double terminal_decel_mps2
    double throttle
    double td_ratio_filtered
    double td_below_s
    int32_t td_contact_count             # legs: consecutive samples with a leg contact
    double release_s
    double declared_s
    double cut_s
    double flyaway_heading_S[2]
    double start_position_S_m[2]
    SiteSearch search                    # the site search under way, if running
    PlanState plan                       # convex guidance's
    float clearance_m[HAZARD_MAP_MAX_SIZE]   # work buffer of site selection
    CvxWork cvx                          # the solver's (the firmware's shares clearance_m's)

# The phase table (_law.pyx, design A): one row per phase, indexed by its
# value, so that no decision hangs on the order of the PHASE_* values.
cdef enum:
    PHASE_MAPS = 1                       # flag: a hazard map that comes in moves the site

# How the guided law flies a phase: the desired acceleration into a (preset
# to gravity's, up), status bits into status; m: the step's hazard map (the
# last whole one; NULL: none).
ctypedef void (*PhaseFly)(LawState* s, const LawParams* p, const SensorFrame* f,
                          const HazardMap* m, double* a, uint32_t* status) noexcept nogil

cdef struct PhaseRow:
    PhaseFly fly
    uint32_t flags                       # PHASE_MAPS

# The phase table's row of a phase; NULL outside 0 <= phase < PHASE_COUNT
# (law_step then holds: gravity's acceleration, no map).
cdef const PhaseRow* law_phase(int32_t phase) noexcept nogil
cdef void law_reset(LawState* s) noexcept nogil
cdef void law_step(LawState* s, const LawParams* p, const SensorFrame* f,
                   const HazardMap* hazard_map, Command* c) noexcept nogil
