# cython: language_level=3
"""The landing law: phase machine, guidance, throttle, touchdown detection.

Design
------
A. Phases (PHASE_*): powered approach; at the hazard map, site selection
   and divert; the terminal descent over the site (PHASE_CONSTANT_VELOCITY);
   sky crane; touchdown detection (armed after the bridle settles, below a
   plausible altitude, latches cleared); tether cut after a delay; flyaway.
   PHASES, one row per phase indexed by its value, says how each is flown
   and whether a hazard map moves the site in it (PHASE_MAPS): the values
   are names, not flight order (HOVER, PARACHUTE, RAD_BURN came last).
B. Approach: augmented Apollo guidance (_guidance.pyx), k = 6 across and
   guidance_gain vertically, to the gate (gate_altitude_m over the site at
   gate_speed_mps) on the terminal's braking thrust (a_f = g + a_gate up,
   a_gate the gate's constant deceleration to the sky-crane start); the
   time-to-go is searched every replan_period_s and on a retarget, and only
   counts down below tgo_freeze_s (as Apollo's did), so the approach ends.
B2. Turn-round: the family cannot turn round, coast and brake as the fuel
   optimum does from a start moving away. So the approach first burns at
   full thrust on the tilt cone's edge toward v* = d / (t_coast + t_brake/2),
   the horizontal velocity that a coast at the floor and a uniform braking
   at TURN_BRAKE_FRACTION would carry to the site, until within
   turn_speed_error_mps of it, or until the vertical braking to the gate's
   speed at its height needs that deceleration (the burn is mostly
   horizontal: flown on, it flies into the ground); then never again.
B3. Convex guidance (guidance = "convex", _plan.pyx): the fuel-optimal plan
   to the gate, replanned every replan_period_s and tracked; handover as in
   B, at the plan's time-to-go, or under the gate down to half its height
   while the terminal descent can still brake (handover_m).
   No plan from the first search: B and B2 fly
   the approach, STATUS_PLAN_INFEASIBLE set.
C. Terminal descent: a_t = (v^2 - v_sc^2) / (2 (h - h_sc)) from the state at
   the handover, within [final_decel_mps2, 1.5 a_gate]; a PI loop on the
   vertical speed follows v_ref(h) = -sqrt(v_sc^2 + 2 a_t max(0, h - h_sc))
   with a_t fed forward, faded over the last FADE_SPEED_MPS; horizontally a
   capped position-velocity loop over the site. The rover is released below
   sky_crane_altitude_m within RELEASE_SPEED_MARGIN_MPS of the sky-crane
   speed (or RELEASE_DEPTH_MAX_M lower): released while the stage still
   brakes, the bridle took 8-12 kN instead of 4.5-5.5 kN.
D. Touchdown (_touchdown.pyx): the sky crane senses the rover's weight
   leaving the bridle; a legged lander (LANDING_LEGS) arms below
   td_arm_altitude_m, flies the same profile to the ground at
   sky_crane_speed_mps, and cuts its engines on consecutive plausible
   leg-contact samples (PHASE_LANDED).
E. Throttle (_throttle.pyx): the desired acceleration into thrust within every limit.
   An airbag lander (LANDING_AIRBAGS) flies none of this: _airbags.pyx
   fires its RAD rockets and cuts its bridle.
F. Measured velocity: the radar's where valid and within
   radar_velocity_gate_mps of the navigation's, else the navigation's;
   decided sample by sample, so a dust outlier is dropped and the radar is
   never rejected for good (the Hakuto-R lesson, mars-landers.md §3.7).
G. Hover-and-map (Tianwen-1 hovered near 100 m to map and pick a flat spot,
   mars-landers.md §2, A): with hover_s > 0 the approach hands over (at the
   gate; a convex plan as low as handover_m) to PHASE_HOVER, which holds
   the gate's height (a descent speed of position_gain_per_s times the
   height error, within gate_speed_mps) over the site; a hazard map that
   comes in the hover moves the site, and the horizontal loop carries the
   lander over it; after hover_s, once within HOVER_ARRIVAL_M of the site,
   the terminal descent begins.
H. Site search (_sites.pyx): a map that comes in a phase with maps starts a
   search, spread over the following steps so that no step overruns a
   board's budget; the law flies on to its site meanwhile and diverts on
   the step the search ends.
"""

from libc.math cimport sqrt, fmax, fmin
from libc.string cimport memset

from hilander.controller._airbags cimport airbag_step
from hilander.controller._approach cimport gate_decel_mps2, gate_problem, turn_round
from hilander.controller._guidance cimport (
    TgoProblem, guidance_accel, tgo_search, tgo_violation,
)
from hilander.controller._plan cimport fly_plan, time_to_go_s
from hilander.controller._sites cimport site_search_begin, site_search_step
from hilander.controller._throttle cimport norm2, throttle_stage
from hilander.controller._touchdown cimport (
    arm_touchdown, detect_leg_touchdown, detect_touchdown, flyaway, flyaway_heading,
)


cdef double G0 = 9.80665  # standard gravity for Isp [m/s^2], exact by definition
cdef double DECEL_MAX_OVER_GATE = 1.5  # terminal deceleration cap, over the gate's
cdef double FADE_SPEED_MPS = 2.0       # the fed-forward deceleration fades over this
cdef double RELEASE_SPEED_MARGIN_MPS = 0.25  # release within this of the sky-crane speed,
cdef double RELEASE_DEPTH_MAX_M = 3.0         # or this far below sky_crane_altitude_m
cdef double HOVER_ARRIVAL_M = 2.0      # the hover ends this close to the site,
cdef double HOVER_WAIT_MAX = 3.0       # or after this many times hover_s
# a plan may fly at its floor (the gate's height over the site, or for the
# least miss over the ground the radar saw) toward its end over higher
# ground: its approach ends under this much of the gate
cdef double HANDOVER_FLOOR = 0.5


cdef void law_reset(LawState* s) noexcept nogil:
    memset(s, 0, sizeof(LawState))
    s.phase = PHASE_POWERED_APPROACH
    s.td_ratio_filtered = 1.0


cdef inline void set_phase(LawState* s, int phase, double t) noexcept nogil:
    s.phase = phase
    s.phase_start_s = t


cdef double altitude_m(const LawState* s, const SensorFrame* f) noexcept nogil:
    """Height above the ground: radar where valid, else navigation over the site."""
    if f.radar_altitude_valid:
        return f.radar_altitude_m
    return f.nav_position_S_m[2] - s.site_S_m[2]


cdef void measured_velocity(const LawParams* p, const SensorFrame* f, double v[3]) noexcept nogil:
    """Radar where valid and within the gate of the navigation, sample by sample (F)."""
    cdef double dx = f.radar_velocity_S_mps[0] - f.nav_velocity_S_mps[0]
    cdef double dy = f.radar_velocity_S_mps[1] - f.nav_velocity_S_mps[1]
    cdef double dz = f.radar_velocity_S_mps[2] - f.nav_velocity_S_mps[2]
    cdef bint use_radar = (f.radar_velocity_valid
                           and sqrt(dx * dx + dy * dy + dz * dz) <= p.radar_velocity_gate_mps)
    cdef int i
    for i in range(3):
        v[i] = f.radar_velocity_S_mps[i] if use_radar else f.nav_velocity_S_mps[i]


cdef void start(LawState* s, const LawParams* p, const SensorFrame* f) noexcept nogil:
    s.started = 1
    s.plan.dry_mass_kg = fmax(f.mass_estimate_kg - p.propellant_mass_kg, 1.0)
    s.phase_start_s = f.time_s
    s.throttle = p.throttle_min
    s.start_position_S_m[0] = f.nav_position_S_m[0]
    s.start_position_S_m[1] = f.nav_position_S_m[1]


cdef void approach(LawState* s, const LawParams* p, const SensorFrame* f,
                   const HazardMap* m, double* a, uint32_t* status) noexcept nogil:
    """The convex plan to the gate (_plan.pyx), or the Apollo law: the one
    chosen, or the fallback when the first search found no plan."""
    cdef bint found, flying
    if p.guidance == GUIDANCE_CONVEX and s.plan.failed:
        status[0] |= STATUS_PLAN_INFEASIBLE
    elif p.guidance == GUIDANCE_CONVEX:
        flying = fly_plan(p, &s.plan, &s.cvx, not s.search.running, s.site_S_m, f, m, a,
                          &s.raise_max_mps2, &found)
        if not found:
            status[0] |= STATUS_PLAN_INFEASIBLE
        if flying:
            s.tracking = 1
            s.tgo_s = time_to_go_s(&s.plan, f.time_s)
            if s.tgo_s <= p.tgo_switch_s or altitude_m(s, f) <= handover_m(p, f):
                end_approach(s, p, f)
            return
    approach_apollo(s, p, f, a, status)


cdef double handover_m(const LawParams* p, const SensorFrame* f) noexcept nogil:
    """The height a plan hands over at (B3): HANDOVER_FLOOR of the gate's,
    but no lower than the terminal descent can brake from at the gate's
    deceleration (the gate itself at the gate's speed)."""
    cdef double vz = f.nav_velocity_S_mps[2], v_sc = p.sky_crane_speed_mps
    cdef double braking_m = (p.sky_crane_altitude_m
                             + (vz * vz - v_sc * v_sc) / (2.0 * gate_decel_mps2(p)))
    return fmin(p.gate_altitude_m, fmax(HANDOVER_FLOOR * p.gate_altitude_m, braking_m))


cdef void approach_apollo(LawState* s, const LawParams* p, const SensorFrame* f, double* a,
                          uint32_t* status) noexcept nogil:
    """Augmented Apollo guidance to the approach gate over the site (powered
    approach, divert), after a turn-round burn if the start needs one."""
    cdef TgoProblem q
    gate_problem(s, p, f, &q)
    if turn_round(s, p, &q, a):
        return
    if s.tgo_s <= 0.0 or (f.time_s >= s.next_replan_s and s.tgo_s > p.tgo_freeze_s):
        s.tgo_s = tgo_search(&q)
        s.next_replan_s = f.time_s + p.replan_period_s
        if tgo_violation(&q, s.tgo_s) > 0.0:
            status[0] |= STATUS_TGO_INFEASIBLE
    guidance_accel(&q, fmax(s.tgo_s, p.tgo_switch_s), a)
    s.tgo_s -= 1.0 / p.control_rate_Hz
    if s.tgo_s <= p.tgo_switch_s or altitude_m(s, f) <= p.gate_altitude_m:
        end_approach(s, p, f)


cdef void end_approach(LawState* s, const LawParams* p, const SensorFrame* f) noexcept nogil:
    """At the gate: the hover, or the terminal descent. A replan under way
    is of no use now."""
    s.plan.job.stage = JOB_IDLE
    if p.hover_s > 0.0:
        s.vz_integral_mps = 0.0
        set_phase(s, PHASE_HOVER, f.time_s)
    else:
        begin_terminal(s, p, f)


cdef void hover(LawState* s, const LawParams* p, const SensorFrame* f,
                const HazardMap* m, double* a, uint32_t* status) noexcept nogil:
    """Hold the gate's height over the site (moved there if the map picked
    another) for hover_s, then descend once within HOVER_ARRIVAL_M of it (G)."""
    cdef double t = f.time_s - s.phase_start_s
    cdef double dx = s.site_S_m[0] - f.nav_position_S_m[0]
    cdef double dy = s.site_S_m[1] - f.nav_position_S_m[1]
    cdef double speed = p.position_gain_per_s * (altitude_m(s, f) - p.gate_altitude_m)
    terminal(s, p, f, fmax(-p.gate_speed_mps, fmin(p.gate_speed_mps, speed)), 0.0,
             p.horizontal_speed_max_mps, a)
    if t >= p.hover_s and (norm2(dx, dy) <= HOVER_ARRIVAL_M or t >= HOVER_WAIT_MAX * p.hover_s):
        begin_terminal(s, p, f)


cdef void begin_terminal(LawState* s, const LawParams* p, const SensorFrame* f) noexcept nogil:
    """Fix the terminal deceleration that takes the vehicle from where it is
    to the sky-crane start (design C), within its bounds."""
    cdef double v[3]
    cdef double h = altitude_m(s, f) - p.sky_crane_altitude_m
    cdef double v_sc = p.sky_crane_speed_mps
    cdef double decel = p.final_decel_mps2
    measured_velocity(p, f, v)
    if h > 0.0 and -v[2] > v_sc:
        decel = (v[2] * v[2] - v_sc * v_sc) / (2.0 * h)
    s.terminal_decel_mps2 = fmin(DECEL_MAX_OVER_GATE * gate_decel_mps2(p),
                                 fmax(p.final_decel_mps2, decel))
    s.vz_integral_mps = 0.0
    set_phase(s, PHASE_CONSTANT_VELOCITY, f.time_s)


cdef double profile_speed(const LawState* s, const LawParams* p, double h,
                          double* accel_ff) noexcept nogil:
    """Descent speed [m/s] of the constant-deceleration profile at h."""
    cdef double v = sqrt(p.sky_crane_speed_mps ** 2
                         + 2.0 * s.terminal_decel_mps2 * fmax(0.0, h - p.sky_crane_altitude_m))
    accel_ff[0] = s.terminal_decel_mps2 * fmin(1.0, (v - p.sky_crane_speed_mps) / FADE_SPEED_MPS)
    return v


cdef void terminal(LawState* s, const LawParams* p, const SensorFrame* f, double speed,
                   double accel_ff, double speed_h_max, double a[3]) noexcept nogil:
    """PI on vertical speed, capped position-velocity loop horizontally."""
    cdef double v[3]
    cdef double dt = 1.0 / p.control_rate_Hz
    cdef double e, vx, vy, vh, cap
    cdef double limit = 0.6 * p.gravity_mps2 / p.vertical_integral_gain_per_s2
    measured_velocity(p, f, v)
    e = -speed - v[2]
    s.vz_integral_mps = fmin(limit, fmax(-limit, s.vz_integral_mps + e * dt))
    a[2] = (p.gravity_mps2 + accel_ff + p.vertical_gain_per_s * e
            + p.vertical_integral_gain_per_s2 * s.vz_integral_mps)
    vx = p.position_gain_per_s * (s.site_S_m[0] - f.nav_position_S_m[0])
    vy = p.position_gain_per_s * (s.site_S_m[1] - f.nav_position_S_m[1])
    vh = norm2(vx, vy)
    cap = 1.0 if vh <= speed_h_max else speed_h_max / vh
    a[0] = p.horizontal_gain_per_s * (cap * vx - v[0])
    a[1] = p.horizontal_gain_per_s * (cap * vy - v[1])


cdef void descend(LawState* s, const LawParams* p, const SensorFrame* f,
                  const HazardMap* m, double* a, uint32_t* status) noexcept nogil:
    """The terminal descent over the site, constant velocity to tether cut."""
    cdef double h = altitude_m(s, f)
    cdef double ff = 0.0, speed
    cdef double v[3]
    if p.landing_system == LANDING_LEGS:
        descend_on_legs(s, p, f, h, a)
        return
    if s.phase == PHASE_CONSTANT_VELOCITY:
        speed = profile_speed(s, p, h, &ff)
        terminal(s, p, f, speed, ff, p.horizontal_speed_max_mps, a)
        measured_velocity(p, f, v)
        if h <= p.sky_crane_altitude_m and (
                -v[2] <= p.sky_crane_speed_mps + RELEASE_SPEED_MARGIN_MPS
                or h <= p.sky_crane_altitude_m - RELEASE_DEPTH_MAX_M):
            s.events |= EVENT_ROVER_RELEASE
            s.release_s = f.time_s
            set_phase(s, PHASE_SKY_CRANE, f.time_s)
        return
    terminal(s, p, f, p.sky_crane_speed_mps, 0.0, p.sky_crane_horizontal_speed_max_mps, a)
    if s.phase == PHASE_SKY_CRANE:
        if (f.time_s - s.release_s >= p.bridle_payout_time_s + p.td_arm_settle_s
                and f.radar_altitude_valid and h <= p.td_gate_altitude_m):
            arm_touchdown(s, f.time_s)
    elif s.phase == PHASE_TOUCHDOWN_DETECTION:
        detect_touchdown(s, p, f, h, a)
    elif f.time_s - s.declared_s >= p.tether_cut_delay_s - 0.5 / p.control_rate_Hz:
        # the tick nearest the delay, as in hl_law.c (a board's times are float32)
        s.events |= EVENT_TETHER_CUT
        s.cut_s = f.time_s
        flyaway_heading(s)
        set_phase(s, PHASE_FLYAWAY, f.time_s)


cdef void descend_on_legs(LawState* s, const LawParams* p, const SensorFrame* f, double h,
                          double a[3]) noexcept nogil:
    """A legged lander: the profile down to the ground, armed below td_arm_altitude_m."""
    cdef double ff = 0.0
    cdef double speed = profile_speed(s, p, h, &ff)
    cdef double cap = p.horizontal_speed_max_mps
    if h <= p.sky_crane_altitude_m:
        cap = p.sky_crane_horizontal_speed_max_mps
    terminal(s, p, f, speed, ff, cap, a)
    if s.phase == PHASE_CONSTANT_VELOCITY:
        if h <= p.td_arm_altitude_m:
            arm_touchdown(s, f.time_s)
    else:
        detect_leg_touchdown(s, p, f, h)


cdef void law_step(LawState* s, const LawParams* p, const SensorFrame* f,
                   const HazardMap* hazard_map, Command* c) noexcept nogil:
    cdef int i
    c.status = 0
    if not s.started:
        start(s, p, f)
    if not f.radar_altitude_valid:
        c.status |= STATUS_RADAR_INVALID
    if p.landing_system == LANDING_AIRBAGS:
        airbag_step(s, p, f, c)
    else:
        guided_step(s, p, f, hazard_map, c)
    c.step = f.step
    c.phase = s.phase
    c.events = s.events
    for i in range(3):
        c.site_S_m[i] = s.site_S_m[i]


cdef void guided_step(LawState* s, const LawParams* p, const SensorFrame* f,
                      const HazardMap* hazard_map, Command* c) noexcept nogil:
    """A powered descent: guidance, terminal descent, touchdown, throttle."""
    cdef double a[3]
    cdef TgoProblem g
    a[0] = 0.0
    a[1] = 0.0
    a[2] = p.gravity_mps2
    s.tracking = 0
    if site_search_step(s, p, f, hazard_map, phase_row(s.phase).flags & PHASE_MAPS, &c.status):
        if s.phase != PHASE_HOVER:      # a new site: divert to it
            set_phase(s, PHASE_DIVERT, f.time_s)
    phase_row(s.phase).fly(s, p, f, hazard_map, a, &c.status)
    if f.hazard_map_ready and hazard_map != NULL and phase_row(s.phase).flags & PHASE_MAPS:
        gate_problem(s, p, f, &g)
        site_search_begin(s, p, f, &g)  # the search runs over the next steps (H)
    if s.search.running:
        c.status |= STATUS_SITE_SEARCH
    if s.plan.job.stage != JOB_IDLE:
        c.status |= STATUS_PLANNING     # a replan under way at the step's end
    throttle_stage(s, p, f, a, c)


cdef void hold(LawState* s, const LawParams* p, const SensorFrame* f,
               const HazardMap* m, double* a, uint32_t* status) noexcept nogil:
    """Nothing to fly: gravity's acceleration (the engines are off once landed)."""


# The phase table (design A): how each phase is flown, and its flags.
cdef PhaseRow PHASES[PHASE_COUNT]
PHASES[PHASE_POWERED_APPROACH] = PhaseRow(approach, PHASE_MAPS)
PHASES[PHASE_DIVERT] = PhaseRow(approach, PHASE_MAPS)
PHASES[PHASE_CONSTANT_VELOCITY] = PhaseRow(descend, 0)
PHASES[PHASE_SKY_CRANE] = PhaseRow(descend, 0)
PHASES[PHASE_TOUCHDOWN_DETECTION] = PhaseRow(descend, 0)
PHASES[PHASE_TETHER_CUT] = PhaseRow(descend, 0)
PHASES[PHASE_FLYAWAY] = PhaseRow(flyaway, 0)
PHASES[PHASE_LANDED] = PhaseRow(hold, 0)
PHASES[PHASE_HOVER] = PhaseRow(hover, PHASE_MAPS)
PHASES[PHASE_PARACHUTE] = PhaseRow(hold, 0)            # airbags: airbag_step flies these
PHASES[PHASE_RAD_BURN] = PhaseRow(hold, 0)
assert all(PHASES[i].fly != NULL for i in range(PHASE_COUNT)), "a phase without a row"
# A phase outside the table (a corrupted value) holds: gravity's acceleration, no map.
cdef PhaseRow HOLDS = PhaseRow(hold, 0)


cdef const PhaseRow* law_phase(int32_t phase) noexcept nogil:
    return &PHASES[phase] if 0 <= phase < PHASE_COUNT else NULL


cdef inline const PhaseRow* phase_row(int32_t phase) noexcept nogil:
    """The row the step flies: the table's, or HOLDS outside it."""
    cdef const PhaseRow* row = law_phase(phase)
    return row if row != NULL else &HOLDS
