# cython: language_level=3
"""The 6-DOF plant: the descent stage as a rigid body ([sim] dynamics = "6dof").

Design (docs/world.md, "6-DOF")
------
A. The stage (with the rover while stowed) is one RigidState at its centre
   of mass (_rigid); w.stage stays the reference point, found from it each
   step, so sensors, bridle, telemetry and end conditions read what they
   read in 3-DOF. Mass follows the propellant each step; the MassProperties
   (_stage.pxd) once per control tick, the centre of mass moving within the
   structure (the body's state shifted with it). On rover release the body
   is re-anchored at the stage's own centre of mass, keeping its motion.
B. Engines: one throttle each, lagged toward its command within floor and
   ceiling (pulsed: each its own duty, latched each pulse period). Each
   engine's wrench at full throttle, engine_wrench on the TRUE layout (seeded
   misalignment, mismatch), once per tick; each step sums them with the
   throttles (linear in them). Engine-out stops the last; the frame counts
   engines_rated_out then (hilander.sim.sixdof: what the others can give). A stuck
   engine ([faults] engine_stuck) holds its throttle until the engines are cut.
C. The world's attitude loop, each control tick and as a command takes effect:
   attitude_torque toward the law's (tilt-clamped) thrust direction, allocate on
   the NOMINAL layout and centre of mass, the true state (a cold solve each tick:
   allocate_warm's result may depend on the last tick's where the split is not
   unique); a stuck engine's force and torque taken as given, it left out; the
   rest to reaction control (rcs_torque_max_Nm); no torque once cut or standing.
D. Contact: each footpad (legs) or the stowed rover's wheels is a
   body-fixed point; the 3-DOF contact force acts there (force and torque),
   so a lander can tip. The bridle pulls at the reference point; drag at the
   centre of mass.
E. Tilt and body rate at touchdown (as the step that touched began), the most
   it leans after on the ground, its lean over a footpad edge (_stage.pxd).
"""

from libc.math cimport cos, isnan, lround, sin, M_PI
from libc.stdint cimport uint32_t

from hilander.controller._attitude cimport (
    ENGINE_MAX, AttitudeParams, attitude_torque, allocate,
)
from hilander.controller._law cimport LANDING_LEGS
from hilander.sim._rigid cimport (
    MassProperties, mass_properties, rigid_step, engine_wrench,
    quat_rotate, quat_normalize,
)
from hilander.sim._types cimport WorldParams, WorldState, Terrain, Body, TickConstants
from hilander.sim._plant cimport (
    add_drag, add_contact, bridle, record_stage_impact, record_touchdown, settle, terrain_height,
)
from hilander.sim._stage cimport (
    fmin, fmax, rotation, turn, turn_back, cross, tilt_of, norm3, dry_mass_kg, mass_now,
    point_at, point, sync_points, out_of_reach, apply_at, stuck_engine, stuck_given,
)

cdef double G0 = 9.80665       # standard gravity for Isp [m/s^2], exact


cdef double body_tilt_rad(const WorldState* w) noexcept nogil:
    """Angle of the body z axis from vertical."""
    return tilt_of(w.body.q_SB)


cdef double body_rate_radps(const WorldState* w) noexcept nogil:
    return norm3(w.body.rate_B_radps)


cdef void update_mass(WorldState* w, const WorldParams* p) noexcept nogil:
    """Once per control tick: the mass properties for the propellant left. The
    structure stays where it is: the body's state follows its centre of mass
    as it moves within it."""
    cdef double d[3]
    cdef double v[3]
    cdef double d_S[3]
    cdef double v_S[3]
    cdef int i
    for i in range(3):
        d[i] = -w.mass.com_B_m[i]
    mass_now(w, p, &w.mass)
    for i in range(3):
        d[i] += w.mass.com_B_m[i]
    wrench_basis(w, p)
    cross(w.body.rate_B_radps, d, v)
    quat_rotate(w.body.q_SB, d, d_S)
    quat_rotate(w.body.q_SB, v, v_S)
    for i in range(3):
        w.body.position_S_m[i] += d_S[i]
        w.body.velocity_S_mps[i] += v_S[i]


cdef void sixdof_start(WorldState* w, const WorldParams* p) noexcept nogil:
    """Upright and still in rotation, the centre of mass placed under w.stage."""
    cdef int i
    w.body.q_SB[0] = 1.0
    w.body_with_rover = w.rover_attached and p.rover_mass_kg > 0.0
    mass_now(w, p, &w.mass)
    wrench_basis(w, p)
    for i in range(3):
        w.body.position_S_m[i] = w.stage.position_S_m[i] + w.mass.com_B_m[i]
        w.body.velocity_S_mps[i] = w.stage.velocity_S_mps[i]
    sync_points(w, p)


cdef void sixdof_orient(WorldState* w, const WorldParams* p, const double q_SB[4],
                        const double rate_B_radps[3]) noexcept nogil:
    """Turn the stage about its reference point and set its rates; the
    reference point keeps its position and velocity."""
    cdef double r[3]
    cdef double v_ref[3]
    cdef int i
    for i in range(4):
        w.body.q_SB[i] = q_SB[i]
    quat_normalize(w.body.q_SB)
    for i in range(3):
        w.body.rate_B_radps[i] = rate_B_radps[i]
        v_ref[i] = w.stage.velocity_S_mps[i]
        w.body.velocity_S_mps[i] = v_ref[i]
    quat_rotate(w.body.q_SB, w.mass.com_B_m, r)
    for i in range(3):
        w.body.position_S_m[i] = w.stage.position_S_m[i] + r[i]
    point(w, 0.0, 0.0, 0.0, &w.stage)            # v_ref less the rotation's part
    for i in range(3):
        w.body.velocity_S_mps[i] = 2.0 * v_ref[i] - w.stage.velocity_S_mps[i]
    sync_points(w, p)


cdef void reanchor(WorldState* w, const WorldParams* p) noexcept nogil:
    """The rover released: the body becomes the stage alone, same motion; the
    rover (a point at its wheels) moves as its centre of mass did: momentum kept."""
    cdef MassProperties stage
    cdef Body c
    point(w, 0.0, 0.0, p.rover_com_height_m - p.rover_stowed_offset_m, &c)
    w.rover.velocity_S_mps = c.velocity_S_mps
    mass_properties(p.descent_stage_dry_mass_kg, p.stage_dry_com_B_m,
                    p.stage_dry_inertia_B_kg_m2, w.propellant_kg, p.tank_com_B_m,
                    p.tank_radius_m, &stage)
    point(w, stage.com_B_m[0], stage.com_B_m[1], stage.com_B_m[2], &c)
    w.body.position_S_m = c.position_S_m
    w.body.velocity_S_mps = c.velocity_S_mps
    w.body_with_rover = 0
    w.mass = stage
    wrench_basis(w, p)


cdef void sixdof_attitude(WorldState* w, const WorldParams* p) noexcept nogil:
    """The world's attitude loop for this control tick (design C)."""
    cdef AttitudeParams a = p.attitude
    cdef double torque[3]
    cdef double force_B[3]
    cdef double achieved[3]
    cdef double given[3]
    cdef double ones[ENGINE_MAX]
    cdef double f
    cdef int i, working = p.engine_count - (p.engines_out if w.time_s >= p.engine_out_time_s else 0)
    cdef int stuck = stuck_engine(w, p) if p.engine_stuck_known else -1
    cdef uint32_t ok = ((1u << working) - 1u) & ~((1u << stuck) if stuck >= 0 else 0u)
    cdef bint hold = not w.engines_off and (isnan(w.rec.touchdown_time_s) or not w.rover_attached)
    update_mass(w, p)
    for i in range(3):
        a.inertia_B_kg_m2[i] = w.mass.inertia_B_kg_m2[4 * i] * hold   # 0: no torque asked
        a.com_B_m[i] = (w.mass.com_B_m[i]
                        - p.descent_stage_dry_mass_kg * p.com_offset_B_m[i] / w.mass.mass_kg)
        achieved[i] = 0.0
    attitude_torque(w.body.q_SB, w.body.rate_B_radps, w.thrust_dir_cmd_S, &a, torque)
    for i in range(ENGINE_MAX):
        w.engine_throttle_cmd[i] = 0.0
        ones[i] = 1.0
    if not w.engines_off and w.propellant_kg > 0.0 and w.throttle_cmd > 0.0:
        f = fmin(p.throttle_max, fmax(p.throttle_min, w.throttle_cmd))
        stuck_given(p, stuck, a.com_B_m, force_B, given)   # a stuck engine's, as given
        for i in range(3):
            given[i] = torque[i] - given[i]
        allocate(&p.engines_nominal, &a, ok, w.engines_active * f * p.engine_thrust_max_N
                 * cos(p.cant_rad) - force_B[2], given, w.engine_throttle_cmd)
        if stuck >= 0:
            w.engine_throttle_cmd[stuck] = p.engine_stuck_throttle
        engine_wrench(&p.engines_nominal, w.engine_throttle_cmd, ones, a.com_B_m,
                      force_B, achieved)
    for i in range(3):
        w.rcs_torque_B_Nm[i] = fmin(p.rcs_torque_max_Nm * hold,
                                    fmax(-p.rcs_torque_max_Nm * hold, torque[i] - achieved[i]))


cdef double engine_target(WorldState* w, const WorldParams* p, int i, bint on) noexcept nogil:
    """Engine i's throttle target this step (pulsed: 1 or 0 within its duty)."""
    cdef double target = 0.0
    if on:
        target = fmin(p.throttle_max, fmax(p.throttle_min, w.engine_throttle_cmd[i]))
    if p.pulse_period_steps > 0:
        if w.pulse_step == 0:
            w.engine_pulse_on_steps[i] = lround(target * p.pulse_period_steps)
        target = 1.0 if w.pulse_step < w.engine_pulse_on_steps[i] else 0.0
    return target


cdef void wrench_basis(WorldState* w, const WorldParams* p) noexcept nogil:
    """Each engine's force and torque at full throttle on the TRUE layout about
    the present centre of mass (as engine_wrench of that engine alone): the
    engines' wrench is linear in the throttles, so each step sums these (design B)."""
    cdef double r[3]
    cdef double k
    cdef int i, j
    for i in range(ENGINE_MAX):
        for j in range(6):
            w.engine_wrench_B[i][j] = 0.0
    for i in range(p.engines_true.count):
        k = p.engine_thrust_scale[i] * p.engines_true.thrust_max_N
        for j in range(3):
            w.engine_wrench_B[i][j] = k * p.engines_true.direction_B[i][j]
            r[j] = p.engines_true.position_B_m[i][j] - w.mass.com_B_m[j]
        cross(r, &w.engine_wrench_B[i][0], &w.engine_wrench_B[i][3])


cdef void engines6(WorldState* w, const WorldParams* p, const TickConstants* k,
                   double force_B[3], double torque_B[3]) noexcept nogil:
    """Each engine's lag (or pulses), their wrench and the propellant flow."""
    cdef bint on = not w.engines_off and w.propellant_kg > 0.0 and w.throttle_cmd > 0.0
    cdef double flow = 0.0, total = 0.0, target
    cdef double wrench[6]
    cdef int i, j, n = p.engines_true.count
    cdef int working = p.engine_count - (p.engines_out if w.time_s >= p.engine_out_time_s else 0)
    cdef int stuck = stuck_engine(w, p)
    w.engines_active = p.engines_rated_out if w.time_s >= p.engine_out_time_s else p.engine_count
    if stuck >= 0:
        w.engines_active = p.engines_rated_stuck
    for i in range(6):
        wrench[i] = 0.0
    for i in range(n):
        target = engine_target(w, p, i, on and i < working)
        w.engine_throttle[i] += (target - w.engine_throttle[i]) * k.throttle_alpha
        if i >= working:                        # a failed engine stops at once
            w.engine_throttle[i] = 0.0
        elif i == stuck:                        # a stuck one goes to its throttle at once
            w.engine_throttle[i] = p.engine_stuck_throttle
        flow += w.engine_throttle[i] * p.engine_thrust_scale[i]
        total += w.engine_throttle[i]
        for j in range(6):
            wrench[j] += w.engine_throttle[i] * w.engine_wrench_B[i][j]
    if p.pulse_period_steps > 0:
        w.pulse_step = (w.pulse_step + 1) % p.pulse_period_steps
    w.throttle = total / (working if working > 0 else n)  # the running ones, as 3-DOF's
    for j in range(3):
        force_B[j] = wrench[j] if w.propellant_kg > 0.0 else 0.0
        torque_B[j] = wrench[3 + j] if w.propellant_kg > 0.0 else 0.0
    w.thrust_N = force_B[2]
    if w.propellant_kg <= 0.0:
        return
    w.propellant_kg -= flow * p.engine_thrust_max_N / (p.isp_s * G0) * p.dt_s
    if w.propellant_kg <= 0.0:
        w.propellant_kg = 0.0
        w.rec.propellant_out_time_s = w.time_s


cdef void contact_at(WorldState* w, const WorldParams* p, const Terrain* t, Body* at,
                     double fs[3], double ts[3], int bit) noexcept nogil:
    cdef double f[3]
    f[0] = f[1] = f[2] = 0.0
    if add_contact(w, p, t, at, f):
        w.leg_contact |= bit
    apply_at(w, at, f, fs, ts)


cdef bint ground(WorldState* w, const WorldParams* p, const Terrain* t, const double m[9],
                 double fs[3], double ts[3]) noexcept nogil:
    """Footpads (legs) or the stowed rover's wheels on the ground (design D);
    0 when high up, nothing looked at."""
    cdef Body foot
    cdef double angle
    cdef bint first = isnan(w.rec.touchdown_time_s)
    cdef double reach = p.rover_stowed_offset_m + p.leg_radius_m
    cdef const double* r = w.stage.position_S_m
    cdef int i
    w.leg_contact = 0
    if out_of_reach(t, r, reach):
        return 0                                 # high up: no point within reach can touch
    if p.landing_system != LANDING_LEGS:
        contact_at(w, p, t, &w.rover, fs, ts, 0)
        return 1
    for i in range(p.leg_count):
        angle = 2.0 * M_PI * i / p.leg_count
        point_at(w, m, p.leg_radius_m * cos(angle), p.leg_radius_m * sin(angle),
                 -p.rover_stowed_offset_m, &foot)
        contact_at(w, p, t, &foot, fs, ts, 1 << i)
    if first and not isnan(w.rec.touchdown_time_s):
        record_touchdown(w, t, &w.rover)        # the lander's axis, not the first foot
    return 1


cdef void integrate_point(Body* b, const double f[3], double m, double g,
                          double dt) noexcept nogil:
    """Semi-implicit Euler for the rover once released (as the 3-DOF plant)."""
    cdef int i
    for i in range(3):
        b.velocity_S_mps[i] += f[i] / m * dt
    b.velocity_S_mps[2] -= g * dt
    for i in range(3):
        b.position_S_m[i] += b.velocity_S_mps[i] * dt


cdef void rover_step(WorldState* w, const WorldParams* p, const Terrain* t,
                     const TickConstants* k, double fr[3]) noexcept nogil:
    if w.rover_resting:
        return
    add_drag(w, p, k, &w.rover, p.rover_drag_area_m2, fr)
    add_contact(w, p, t, &w.rover, fr)
    integrate_point(&w.rover, fr, p.rover_mass_kg, p.gravity_mps2, p.dt_s)
    settle(w, p)


cdef void loads(WorldState* w, const WorldParams* p, const Terrain* t, const TickConstants* k,
                double fs[3], double tb[3], double fr[3]) noexcept nogil:
    """Every force on the body (site frame) and its torque about the centre of
    mass (body frame)."""
    cdef double fb[3]
    cdef double ts[3]
    cdef double fbr[3]
    cdef double m[9]
    cdef Body c
    cdef bint near = 1
    cdef int i
    rotation(w.body.q_SB, m)
    engines6(w, p, k, fb, tb)
    turn(m, fb, fs)
    for i in range(3):
        tb[i] += w.rcs_torque_B_Nm[i]
        ts[i] = 0.0
        fbr[i] = 0.0
        fr[i] = 0.0
    c.position_S_m = w.body.position_S_m
    c.velocity_S_mps = w.body.velocity_S_mps
    add_drag(w, p, k, &c, p.descent_stage_drag_area_m2, fs)
    if w.rover_attached:
        near = ground(w, p, t, m, fs, ts)
    elif not w.tether_cut:
        bridle(w, p, fbr, fr)
        apply_at(w, &w.stage, fbr, fs, ts)
    else:
        near = 0
    if near:
        turn_back(m, ts, fb)
        for i in range(3):
            tb[i] += fb[i]


cdef void watch_attitude(WorldState* w, bint first, const double q0[4],
                         const double rate0[3]) noexcept nogil:
    """Tilt and rate at touchdown (as the step that touched began: before the
    ground pushed); the most it leaned since, while on the ground (design E)."""
    if isnan(w.rec.touchdown_time_s):
        return
    if first:
        w.rec.touchdown_tilt_rad = tilt_of(q0)
        w.rec.touchdown_rate_radps = norm3(rate0)
        w.rec.tilt_max_after_touchdown_rad = w.rec.touchdown_tilt_rad
    if w.rover_attached:                         # on the ground, not a stage flying away
        w.rec.tilt_max_after_touchdown_rad = fmax(w.rec.tilt_max_after_touchdown_rad,
                                                  body_tilt_rad(w))


cdef void check_impact6(WorldState* w, const WorldParams* p, const Terrain* t) noexcept nogil:
    """The stage's bottom (on its axis) on the ground: its impact ends the landing."""
    cdef Body b
    cdef const double* r = w.stage.position_S_m
    cdef double reach = p.descent_stage_bottom_m
    if out_of_reach(t, r, reach):
        return                                   # high up: the bottom cannot touch
    point(w, 0.0, 0.0, -p.descent_stage_bottom_m, &b)
    if b.position_S_m[2] > terrain_height(t, b.position_S_m[0], b.position_S_m[1]):
        return
    record_stage_impact(w)


cdef void sixdof_step(WorldState* w, const WorldParams* p, const Terrain* t,
                      const TickConstants* k) noexcept nogil:
    """Advance the 6-DOF plant by one step of p.dt_s."""
    cdef double fs[3]
    cdef double tb[3]
    cdef double fr[3]
    cdef double q0[4]
    cdef double rate0[3]
    cdef bint first = isnan(w.rec.touchdown_time_s)
    cdef int i
    if first:
        q0 = w.body.q_SB
        rate0 = w.body.rate_B_radps
    if w.body_with_rover and not w.rover_attached:
        reanchor(w, p)
    w.mass.mass_kg = dry_mass_kg(w, p) + w.propellant_kg
    loads(w, p, t, k, fs, tb, fr)
    for i in range(3):
        w.specific_force_S_mps2[i] = fs[i] / w.mass.mass_kg
    rigid_step(&w.body, &w.mass, fs, tb, p.gravity_mps2, p.dt_s)
    sync_points(w, p)
    if not w.rover_attached:
        rover_step(w, p, t, k, fr)
    watch_attitude(w, first, q0, rate0)
    w.step += 1
    w.time_s = w.step * p.dt_s
    check_impact6(w, p, t)
