# cython: language_level=3
"""The plant: two bodies, engines, bridle, ground contact, air.

Design
------
A. Bodies: descent stage and rover, point masses in 3-D. Until the rover is
   released they move as one rigid body with the rover hanging
   rover_stowed_offset_m below the stage reference point. The thrust
   direction stands for the stage attitude (3-DOF translation with a
   slew-limited thrust axis), the usual model for powered-descent guidance.
B. Engines: n active engines, throttle with a first-order lag (pulsed
   engines: the throttle is the duty cycle of on/off pulses, latched at the
   start of each pulse period, as Phoenix's and InSight's 10 Hz thrusters;
   thrust_scale, a fault, delivers more or less than nominal; an airbag
   lander's solid RAD rockets burn at full from RAD fire until their
   propellant is gone), thrust along
   the thrust axis T = n f T_max cos(cant); propellant flow n f T_max / (Isp g0)
   (the cant loses axial thrust, not flow); no thrust when the propellant is
   gone; engine-out removes engines from engine_out_time_s on.
C. Bridle: a one-sided spring-damper between the stage reference point and
   the rover's attachment (rover_height_m above its wheels). Its rest length
   is paid out at up to bridle_payout_rate_mps with a ramp of
   bridle_payout_accel_mps2 at both ends, so the rover is lowered, not
   dropped. Tension only when taut: T = max(0, k s + c ds/dt) for s > 0.
D. Ground contact (rover wheels, or a legged lander's footpads): penalty
   spring-damper along the terrain normal, Coulomb friction regularised
   below V_STICK. Footpads sit leg_radius_m from the stage axis, the stage
   held upright (attitude is not modelled): each touches on its own and sets
   its bit of leg_contact; their forces act on the stage. The stage's ground
   contact is its impact: recorded, and the landing ends. A rover cut loose
   and still (below REST_SPEED for REST_TIME) is at rest and no longer
   integrated: nothing acts on it any more, and the regularised friction's
   slow creep on a slope stops there.
E. Air: density rho0 exp(-z/H) (taken once per control tick), drag
   1/2 rho Cd A |v - w| (v - w) with the wind w = steady + gusts.
F. Integration: semi-implicit (symplectic) Euler at the plant rate: velocity
   first, then position with the new velocity. First order, and it keeps
   the energy of the stiff bridle and contact springs bounded, where
   explicit Euler or position-first Verlet without a force re-evaluation
   would pump energy into them.
"""

from libc.math cimport cos, exp, fabs, isnan, sin, sqrt, tan, M_PI, lround

from hilander.controller._law cimport EVENT_RAD_FIRE, LANDING_AIRBAGS
from hilander.sim._types cimport WorldParams, WorldState, Terrain, Body, TickConstants

cdef double G0 = 9.80665       # standard gravity for Isp [m/s^2], exact
cdef double V_STICK = 0.05     # friction regularisation speed [m/s]
cdef double REST_SPEED = 0.02  # a cut-loose rover slower than this ... [m/s]
cdef double REST_TIME = 0.5    # ... for this long is at rest [s]


cdef inline double dmin(double a, double b) noexcept nogil:
    return a if a < b else b


cdef inline double dmax(double a, double b) noexcept nogil:
    return a if a > b else b


cdef double terrain_height(const Terrain* t, double x, double y) noexcept nogil:
    cdef double g[2]
    return height_and_gradient(t, x, y, g)


cdef double height_and_gradient(const Terrain* t, double x, double y,
                                double grad[2]) noexcept nogil:
    """Terrain height [m] at (x, y), bilinear in the relief grid, plus the plane."""
    cdef double fx = (x - t.x0_m) / t.resolution_m
    cdef double fy = (y - t.y0_m) / t.resolution_m
    cdef double base = t.gradient[0] * x + t.gradient[1] * y
    cdef double wx, wy, h00, h01, h10, h11
    cdef int i, j
    grad[0] = t.gradient[0]
    grad[1] = t.gradient[1]
    # Written so that NaN fails it: only a point inside the grid is cast to an index.
    if t.relief_m == NULL or not (0 <= fx < t.nx - 1 and 0 <= fy < t.ny - 1):
        return base
    j = <int>fx
    i = <int>fy
    wx = fx - j
    wy = fy - i
    h00 = t.relief_m[i * t.nx + j]
    h01 = t.relief_m[i * t.nx + j + 1]
    h10 = t.relief_m[(i + 1) * t.nx + j]
    h11 = t.relief_m[(i + 1) * t.nx + j + 1]
    grad[0] += ((h01 - h00) * (1 - wy) + (h11 - h10) * wy) / t.resolution_m
    grad[1] += ((h10 - h00) * (1 - wx) + (h11 - h01) * wx) / t.resolution_m
    return base + (h00 * (1 - wx) + h01 * wx) * (1 - wy) + (h10 * (1 - wx) + h11 * wx) * wy


cdef int terrain_hazard(const Terrain* t, double x, double y) noexcept nogil:
    """Truth hazard mask at the nearest grid node (0 off the grid, or at NaN)."""
    cdef double fx = (x - t.x0_m) / t.resolution_m + 0.5
    cdef double fy = (y - t.y0_m) / t.resolution_m + 0.5
    cdef int i, j
    # Checked before the cast (NaN fails it): a cast out of int's range is undefined.
    if t.hazard == NULL or not (x >= t.x0_m and y >= t.y0_m and fx < t.nx and fy < t.ny):
        return 0
    j = <int>fx
    i = <int>fy
    return t.hazard[i * t.nx + j]


cdef inline bint clear_of_ground(const Terrain* t, double x, double y, double z) noexcept nogil:
    """True when z is above every possible terrain point at (x, y)."""
    return z > t.gradient[0] * x + t.gradient[1] * y + t.relief_max_m


cdef double flying_mass_kg(const WorldState* w, const WorldParams* p) noexcept nogil:
    """Mass of what the engines lift: the stage, and the rover while stowed."""
    cdef double m = p.descent_stage_dry_mass_kg + w.propellant_kg
    return m + p.rover_mass_kg if w.rover_attached else m


cdef void stow_rover(WorldState* w, const WorldParams* p) noexcept nogil:
    cdef int i
    for i in range(3):
        w.rover.position_S_m[i] = w.stage.position_S_m[i]
        w.rover.velocity_S_mps[i] = w.stage.velocity_S_mps[i]
    w.rover.position_S_m[2] -= p.rover_stowed_offset_m


cdef void slew(WorldState* w, const TickConstants* k) noexcept nogil:
    """Turn the thrust axis toward the command by at most the step angle phi.

    Without trigonometry: with cos(theta) = u.c and sin(theta) from it, the
    point u + lam (c - u) is phi away from u for
    lam = tan(phi) / (sin(theta) + tan(phi) (1 - cos(theta))).
    """
    cdef double* u = w.thrust_dir_S
    cdef const double* c = w.thrust_dir_cmd_S
    cdef double cos_t = u[0] * c[0] + u[1] * c[1] + u[2] * c[2]
    cdef double sin_t, lam, n
    cdef int i
    if cos_t >= k.cos_slew_step:
        for i in range(3):
            u[i] = c[i]
        return
    sin_t = sqrt(dmax(0.0, 1.0 - cos_t * cos_t))
    lam = k.tan_slew_step / (sin_t + k.tan_slew_step * (1.0 - cos_t))
    for i in range(3):
        u[i] += lam * (c[i] - u[i])
    n = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2])
    for i in range(3):
        u[i] /= n


cdef double pulse(WorldState* w, const WorldParams* p, double duty) noexcept nogil:
    """1 while the engines' pulse is on: duty latched at the period's start."""
    cdef bint on
    if w.pulse_step == 0:
        w.pulse_on_steps = lround(duty * p.pulse_period_steps)
    on = w.pulse_step < w.pulse_on_steps
    w.pulse_step = (w.pulse_step + 1) % p.pulse_period_steps
    return 1.0 if on else 0.0


cdef void engines(WorldState* w, const WorldParams* p, const TickConstants* k) noexcept nogil:
    """Engine-out, throttle lag (or pulses), slew, thrust and propellant flow."""
    cdef double target = 0.0, full
    w.engines_active = p.engine_count
    if w.time_s >= p.engine_out_time_s:
        w.engines_active = p.engine_count - p.engines_out
    if not w.engines_off and w.propellant_kg > 0.0 and w.throttle_cmd > 0.0:
        target = dmin(p.throttle_max, dmax(p.throttle_min, w.throttle_cmd))
    if p.landing_system == LANDING_AIRBAGS:    # solid rockets: lit once, burn out
        target = 1.0 if w.events & EVENT_RAD_FIRE else 0.0
    if p.pulse_period_steps > 0:
        target = pulse(w, p, target)
    w.throttle += (target - w.throttle) * k.throttle_alpha
    slew(w, k)
    full = w.engines_active * p.engine_thrust_max_N * w.throttle * p.thrust_scale
    if w.propellant_kg <= 0.0:
        w.thrust_N = 0.0
        return
    w.thrust_N = full * k.cos_cant
    w.propellant_kg -= full / (p.isp_s * G0) * p.dt_s
    if w.propellant_kg <= 0.0:
        w.propellant_kg = 0.0
        w.rec.propellant_out_time_s = w.time_s


cdef void tick_constants(const WorldState* w, const WorldParams* p,
                         TickConstants* k) noexcept nogil:
    """What stays fixed over one control tick (density changes < 1e-3 in it)."""
    cdef double step = p.slew_rate_max_radps * p.dt_s
    cdef double z = dmax(w.stage.position_S_m[2], 0.0)
    k.throttle_alpha = 1.0 - exp(-p.dt_s / p.throttle_time_constant_s)
    k.cos_cant = cos(p.cant_rad)
    k.cos_slew_step = cos(step)
    k.tan_slew_step = tan(step)
    k.air_density_kgpm3 = p.surface_density_kgpm3 * exp(-z / p.scale_height_m)


cdef void add_drag(const WorldState* w, const WorldParams* p, const TickConstants* k,
                   const Body* b, double area_m2, double f[3]) noexcept nogil:
    cdef double vr[3]
    cdef double speed, c
    cdef int i
    for i in range(3):
        vr[i] = b.velocity_S_mps[i] - p.wind_S_mps[i] - w.gust_S_mps[i]
    speed = sqrt(vr[0] * vr[0] + vr[1] * vr[1] + vr[2] * vr[2])
    c = -0.5 * k.air_density_kgpm3 * p.drag_coefficient * area_m2 * speed
    for i in range(3):
        f[i] += c * vr[i]


cdef void bridle(WorldState* w, const WorldParams* p, double fs[3], double fr[3]) noexcept nogil:
    """Pay the bridle out and add its tension to both bodies."""
    cdef double remaining = p.bridle_length_m - w.bridle_paid_m
    cdef double d[3]
    cdef double dist, stretch, rate, tension
    cdef int i
    if remaining > 0.0:
        w.bridle_rate_mps = dmin(dmin(w.bridle_rate_mps + p.bridle_payout_accel_mps2 * p.dt_s,
                                      p.bridle_payout_rate_mps),
                                 sqrt(2.0 * p.bridle_payout_accel_mps2 * remaining))
        w.bridle_paid_m = dmin(p.bridle_length_m, w.bridle_paid_m + w.bridle_rate_mps * p.dt_s)
    else:
        w.bridle_rate_mps = 0.0
    for i in range(3):
        d[i] = w.rover.position_S_m[i] - w.stage.position_S_m[i]
    d[2] += p.rover_height_m
    dist = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    stretch = dist - w.bridle_paid_m
    w.bridle_tension_N = 0.0
    if stretch <= 0.0:
        return
    rate = -w.bridle_rate_mps
    for i in range(3):
        d[i] /= dist
        rate += (w.rover.velocity_S_mps[i] - w.stage.velocity_S_mps[i]) * d[i]
    tension = dmax(0.0, p.bridle_stiffness_N_per_m * stretch + p.bridle_damping_N_s_per_m * rate)
    for i in range(3):
        fs[i] += tension * d[i]
        fr[i] -= tension * d[i]
    w.bridle_tension_N = tension
    w.rec.bridle_tension_max_N = dmax(w.rec.bridle_tension_max_N, tension)


cdef void record_touchdown(WorldState* w, const Terrain* t, const Body* b) noexcept nogil:
    cdef int i
    w.rec.touchdown_time_s = w.time_s
    for i in range(3):
        w.rec.touchdown_velocity_S_mps[i] = b.velocity_S_mps[i]
        w.rec.touchdown_position_S_m[i] = b.position_S_m[i]
    w.rec.touchdown_on_hazard = terrain_hazard(t, b.position_S_m[0], b.position_S_m[1])
    w.rec.touchdown_attached = w.rover_attached


cdef int add_contact(WorldState* w, const WorldParams* p, const Terrain* t,
                     const Body* b, double f[3]) noexcept nogil:
    """Ground force on a wheel or footpad (normal spring-damper and friction);
    1 if it touches."""
    cdef double g[2]
    cdef double n[3]
    cdef double vt[3]
    cdef double x = b.position_S_m[0], y = b.position_S_m[1], z = b.position_S_m[2]
    cdef double h, depth, norm, vn = 0.0, fn, speed_t, friction
    cdef int i
    if clear_of_ground(t, x, y, z):
        return 0
    h = height_and_gradient(t, x, y, g)
    depth = h - z
    if depth <= 0.0:
        return 0
    if isnan(w.rec.touchdown_time_s):
        record_touchdown(w, t, b)
    norm = sqrt(1.0 + g[0] * g[0] + g[1] * g[1])
    n[0] = -g[0] / norm
    n[1] = -g[1] / norm
    n[2] = 1.0 / norm
    for i in range(3):
        vn += b.velocity_S_mps[i] * n[i]
    fn = p.contact_stiffness_N_per_m * depth * n[2] - p.contact_damping_N_s_per_m * vn
    if fn <= 0.0:
        return 1
    for i in range(3):
        vt[i] = b.velocity_S_mps[i] - vn * n[i]
    speed_t = sqrt(vt[0] * vt[0] + vt[1] * vt[1] + vt[2] * vt[2])
    friction = p.friction_coefficient * fn / dmax(speed_t, V_STICK)
    for i in range(3):
        f[i] += fn * n[i] - friction * vt[i]
    return 1


cdef void add_leg_contacts(WorldState* w, const WorldParams* p, const Terrain* t,
                           double f[3]) noexcept nogil:
    """A legged lander's footpads on the ground; their bits in leg_contact."""
    cdef Body foot
    cdef double angle
    cdef bint first = isnan(w.rec.touchdown_time_s)
    cdef double feet_z = w.stage.position_S_m[2] - p.rover_stowed_offset_m
    cdef double reach = p.leg_radius_m * (fabs(t.gradient[0]) + fabs(t.gradient[1]))
    cdef int i
    w.leg_contact = 0
    if clear_of_ground(t, w.stage.position_S_m[0], w.stage.position_S_m[1], feet_z - reach):
        return                                   # high up: no footpad can touch
    foot.velocity_S_mps = w.stage.velocity_S_mps
    for i in range(p.leg_count):
        angle = 2.0 * M_PI * i / p.leg_count
        foot.position_S_m[0] = w.stage.position_S_m[0] + p.leg_radius_m * cos(angle)
        foot.position_S_m[1] = w.stage.position_S_m[1] + p.leg_radius_m * sin(angle)
        foot.position_S_m[2] = w.stage.position_S_m[2] - p.rover_stowed_offset_m
        if add_contact(w, p, t, &foot, f):
            w.leg_contact |= 1 << i
    if first and not isnan(w.rec.touchdown_time_s):
        record_touchdown(w, t, &w.rover)        # the lander's axis, not the first foot


cdef inline void integrate(Body* b, const double f[3], double m, double g,
                           double dt) noexcept nogil:
    """Semi-implicit Euler: velocity from the force, then position from it."""
    cdef double inv_m = 1.0 / m
    b.velocity_S_mps[0] += f[0] * inv_m * dt
    b.velocity_S_mps[1] += f[1] * inv_m * dt
    b.velocity_S_mps[2] += (f[2] * inv_m - g) * dt
    b.position_S_m[0] += b.velocity_S_mps[0] * dt
    b.position_S_m[1] += b.velocity_S_mps[1] * dt
    b.position_S_m[2] += b.velocity_S_mps[2] * dt


cdef void settle(WorldState* w, const WorldParams* p) noexcept nogil:
    """A rover cut loose that stays slower than REST_SPEED for REST_TIME is at
    rest: nothing acts on it any more, so it is no longer integrated."""
    cdef const double* v = w.rover.velocity_S_mps
    cdef int i
    if not w.tether_cut or v[0] * v[0] + v[1] * v[1] + v[2] * v[2] >= REST_SPEED * REST_SPEED:
        w.rover_still_s = 0.0
        return
    w.rover_still_s += p.dt_s
    if w.rover_still_s >= REST_TIME:
        w.rover_resting = 1
        for i in range(3):
            w.rover.velocity_S_mps[i] = 0.0


cdef void check_stage_impact(WorldState* w, const WorldParams* p,
                             const Terrain* t) noexcept nogil:
    cdef double x = w.stage.position_S_m[0], y = w.stage.position_S_m[1]
    cdef double bottom = w.stage.position_S_m[2] - p.descent_stage_bottom_m
    if clear_of_ground(t, x, y, bottom) or bottom > terrain_height(t, x, y):
        return
    record_stage_impact(w)


cdef void record_stage_impact(WorldState* w) noexcept nogil:
    """The stage has hit the ground: record where and how fast; the landing ends."""
    cdef const double* v = w.stage.velocity_S_mps
    cdef int i
    w.rec.stage_impact_time_s = w.time_s
    for i in range(3):
        w.rec.stage_impact_position_S_m[i] = w.stage.position_S_m[i]
    w.rec.stage_impact_speed_mps = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    w.done = 1


cdef void plant_step(WorldState* w, const WorldParams* p, const Terrain* t,
                     const TickConstants* k) noexcept nogil:
    """Advance the plant by one step of p.dt_s."""
    cdef double fs[3]
    cdef double fr[3]
    cdef double ms, mr = p.rover_mass_kg
    cdef int i
    engines(w, p, k)
    ms = p.descent_stage_dry_mass_kg + w.propellant_kg
    for i in range(3):
        fs[i] = w.thrust_N * w.thrust_dir_S[i]
        fr[i] = 0.0
    add_drag(w, p, k, &w.stage, p.descent_stage_drag_area_m2, fs)
    if w.rover_attached:
        if p.leg_count > 0:
            add_leg_contacts(w, p, t, fs)
        else:
            add_contact(w, p, t, &w.rover, fs)
        for i in range(3):
            w.specific_force_S_mps2[i] = fs[i] / (ms + mr)
        integrate(&w.stage, fs, ms + mr, p.gravity_mps2, p.dt_s)
        stow_rover(w, p)
    else:
        if not w.tether_cut:
            bridle(w, p, fs, fr)
        for i in range(3):
            w.specific_force_S_mps2[i] = fs[i] / ms
        integrate(&w.stage, fs, ms, p.gravity_mps2, p.dt_s)
        if not w.rover_resting:
            add_drag(w, p, k, &w.rover, p.rover_drag_area_m2, fr)
            add_contact(w, p, t, &w.rover, fr)
            integrate(&w.rover, fr, mr, p.gravity_mps2, p.dt_s)
            settle(w, p)
    w.step += 1
    w.time_s = w.step * p.dt_s
    check_stage_impact(w, p, t)
