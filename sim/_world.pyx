# cython: language_level=3
"""The world: command queue, plant stepping, telemetry rows, Python handle.

Design
------
A. A command takes effect latency_steps plant steps after it is given
   (zero-order hold until the next one); events are latched in the command
   and the plant acts on each the first time it sees it: rover release
   starts the bridle payout, tether cut (or an airbag lander's bridle cut)
   frees the rover, engine cutoff shuts the engines, RAD fire lights the
   solid rockets. An airbag lander starts hanging on its paid-out bridle.
B. world_advance runs the plant for one control tick: due commands, plant
   step, sensor samples, wind gusts (a first-order Gauss-Markov process per
   horizontal axis), end conditions.
C. A landing ends when the descent stage hits the ground, when the stack
   has sat on the ground for STOWED_CONTACT_END_S, or at max_steps.
D. A numerical fault: once the state holds NaN or inf after a plant step
   (a diverging integration, an overflow), the landing ends at once with
   rec.numerical_fault_time_s set; the telemetry rows before it are kept
   and the verdict is numerical_fault (hilander.sim.result). The terrain
   lookups check a point before casting it to an index, so no state, NaN
   or huge, reads outside the grid.
E. World is the Python handle used by both loops: the compiled one
   (_loop.pyx) reaches into its structs; the general one calls
   sense/command/advance/record with dicts.
"""

from libc.math cimport acos, cos, exp, fmin, hypot, isfinite, isnan, sin, sqrt, NAN
from libc.string cimport memset
from libc.stdint cimport int32_t, uint64_t

import numpy as np

from hilander.controller._core cimport fill_hazard_map
from hilander.controller._law cimport (
    SensorFrame, Command, HazardMap, LANDING_AIRBAGS,
    EVENT_ROVER_RELEASE, EVENT_TETHER_CUT, EVENT_ENGINE_CUTOFF, EVENT_BRIDLE_CUT, EVENT_RAD_FIRE,
)
from hilander.sim._types cimport (
    WorldParams, WorldState, Terrain, TickConstants, COMMAND_QUEUE_SIZE, TELEMETRY_COLUMNS,
)
from hilander.sim._rng cimport rng_seed, rng_normal
from hilander.sim._plant cimport (
    plant_step, stow_rover, terrain_height, flying_mass_kg, tick_constants,
)
from hilander.sim._sensors cimport sensors_start, sensors_sample, world_sense
from hilander.sim._sixdof cimport sixdof_start, sixdof_attitude, sixdof_orient, sixdof_step
from hilander.sim._stage cimport lean_rad

cdef double STOWED_CONTACT_END_S = 2.0
cdef double SIXDOF_CONTACT_END_S = 5.0   # 6-DOF: long enough to see a lander tip over

COLUMNS = (
    "time_s", "phase", "events", "status",
    "stage_x_m", "stage_y_m", "stage_z_m",
    "stage_vx_mps", "stage_vy_mps", "stage_vz_mps",
    "rover_x_m", "rover_y_m", "rover_z_m",
    "rover_vx_mps", "rover_vy_mps", "rover_vz_mps",
    "altitude_m", "radar_altitude_m", "thrust_N", "thrust_command_N",
    "throttle", "throttle_command", "tilt_rad", "mass_kg", "propellant_kg",
    "bridle_tension_N", "bridle_paid_m", "site_x_m", "site_y_m", "site_z_m",
    "nav_error_m", "wind_speed_mps", "rover_clearance_m",
    "nav_x_m", "nav_y_m", "nav_z_m", "nav_vx_mps", "nav_vy_mps", "nav_vz_mps",
    "rate_x_radps", "rate_y_radps", "rate_z_radps",
)
assert len(COLUMNS) == TELEMETRY_COLUMNS


cdef void clamp_tilt(const WorldParams* p, const double* v, double* u) noexcept nogil:
    """Unit vector along v, turned toward vertical to within the tilt limit."""
    cdef double h = hypot(v[0], v[1])
    cdef double n = sqrt(h * h + v[2] * v[2])
    cdef int i
    if v[2] >= n * cos(p.tilt_max_rad) or h <= 0.0:
        for i in range(3):
            u[i] = v[i] / n
        return
    u[0] = sin(p.tilt_max_rad) * v[0] / h
    u[1] = sin(p.tilt_max_rad) * v[1] / h
    u[2] = cos(p.tilt_max_rad)


cdef void apply_command(WorldState* w, const WorldParams* p, const Command* c) noexcept nogil:
    cdef unsigned int new = c.events & ~w.events
    cdef double n = sqrt(c.thrust_S_N[0] ** 2 + c.thrust_S_N[1] ** 2 + c.thrust_S_N[2] ** 2)
    w.throttle_cmd = c.throttle
    w.thrust_cmd_N = n
    if n > 0.0:
        clamp_tilt(p, c.thrust_S_N, w.thrust_dir_cmd_S)
    if new & EVENT_ROVER_RELEASE and w.rover_attached:
        w.rover_attached = 0
        w.rec.release_time_s = w.time_s
        w.bridle_paid_m = p.rover_stowed_offset_m - p.rover_height_m
    if new & (EVENT_TETHER_CUT | EVENT_BRIDLE_CUT) and not w.tether_cut:
        w.rover_attached = 0
        w.tether_cut = 1
        w.bridle_tension_N = 0.0
        w.rec.cut_time_s = w.time_s
        w.rec.propellant_at_cut_kg = w.propellant_kg
    if new & EVENT_RAD_FIRE:
        w.rec.rad_fire_time_s = w.time_s
    if new & EVENT_ENGINE_CUTOFF:
        w.engines_off = 1
        w.rec.cutoff_time_s = w.time_s
        if isnan(w.rec.propellant_at_cut_kg):   # a legged lander: at cutoff
            w.rec.propellant_at_cut_kg = w.propellant_kg
    w.events |= c.events


cdef void world_command(WorldState* w, const WorldParams* p, const Command* c) noexcept nogil:
    """Queue a command to take effect latency_steps from now (oldest dropped if full)."""
    cdef int slot
    if w.queue_count == COMMAND_QUEUE_SIZE:
        w.queue_head = (w.queue_head + 1) % COMMAND_QUEUE_SIZE
        w.queue_count -= 1
    slot = (w.queue_head + w.queue_count) % COMMAND_QUEUE_SIZE
    w.queue[slot] = c[0]
    w.queue_due[slot] = w.step + p.latency_steps
    w.queue_count += 1


cdef void update_gusts(WorldState* w, const WorldParams* p) noexcept nogil:
    cdef double phi = exp(-p.gust_period_steps * p.dt_s / p.gust_time_s)
    cdef double kick = p.gust_sigma_mps * sqrt(1.0 - phi * phi)
    w.gust_S_mps[0] = phi * w.gust_S_mps[0] + kick * rng_normal(&w.rng_wind)
    w.gust_S_mps[1] = phi * w.gust_S_mps[1] + kick * rng_normal(&w.rng_wind)


cdef inline bint state_finite(const WorldState* w) noexcept nogil:
    """False once NaN or inf is anywhere in the bodies' state, the propellant,
    the throttle or the forces (one sum: NaN and inf survive addition)."""
    cdef double s = w.propellant_kg + w.throttle + w.thrust_N + w.bridle_tension_N
    cdef int i
    for i in range(3):
        s += (w.stage.position_S_m[i] + w.stage.velocity_S_mps[i]
              + w.rover.position_S_m[i] + w.rover.velocity_S_mps[i])
    return isfinite(s)


cdef bint apply_due(WorldState* w, const WorldParams* p) noexcept nogil:
    """The commands due by this step, in order; whether there were any."""
    cdef bint any = 0
    while w.queue_count > 0 and w.queue_due[w.queue_head] <= w.step:
        apply_command(w, p, &w.queue[w.queue_head])
        w.queue_head = (w.queue_head + 1) % COMMAND_QUEUE_SIZE
        w.queue_count -= 1
        any = 1
    return any


cdef void world_advance(WorldState* w, const WorldParams* p, const Terrain* t,
                        int32_t steps) noexcept nogil:
    """Run the plant for `steps` plant steps (one control tick). A state gone
    non-finite ends the landing there (design D)."""
    cdef TickConstants constants
    cdef int _, i
    cdef bint applied
    tick_constants(w, p, &constants)
    for _ in range(steps):
        applied = apply_due(w, p)
        if p.six_dof:
            if _ == 0 or applied:               # a command allocated as it takes effect
                sixdof_attitude(w, p)
            sixdof_step(w, p, t, &constants)
        else:
            plant_step(w, p, t, &constants)
        if not state_finite(w):
            w.rec.numerical_fault_time_s = w.time_s
            w.done = 1
            break
        sensors_sample(w, p, t)
        w.gust_wait -= 1
        if w.gust_wait == 0:
            w.gust_wait = p.gust_period_steps
            update_gusts(w, p)
        if w.step >= p.max_steps or (
            w.rec.touchdown_attached
            and w.time_s - w.rec.touchdown_time_s
            >= (SIXDOF_CONTACT_END_S if p.six_dof else STOWED_CONTACT_END_S)
        ):
            w.done = 1
        if w.done:
            break
    w.tick += 1
    for i in range(3):
        w.rec.rover_position_S_m[i] = w.rover.position_S_m[i]
    if p.six_dof and not isnan(w.rec.touchdown_time_s):
        w.rec.lean_rad = lean_rad(w, p)          # the lean that persists: the last tick's


cdef void world_record(const WorldState* w, const WorldParams* p, const Terrain* t,
                       const Command* c, double* row) noexcept nogil:
    """One telemetry row (COLUMNS) for this tick: state before the tick's plant steps."""
    cdef const double* rs = &w.stage.position_S_m[0]
    cdef const double* rr = &w.rover.position_S_m[0]
    cdef const double* nav = &w.frame.nav_position_S_m[0]
    cdef const double* u = &w.thrust_dir_S[0]
    cdef double wx = p.wind_S_mps[0] + w.gust_S_mps[0]
    cdef double wy = p.wind_S_mps[1] + w.gust_S_mps[1]
    cdef int i
    row[0] = w.time_s
    row[1] = c.phase
    row[2] = c.events
    row[3] = c.status
    for i in range(3):
        row[4 + i] = rs[i]
        row[7 + i] = w.stage.velocity_S_mps[i]
        row[10 + i] = rr[i]
        row[13 + i] = w.rover.velocity_S_mps[i]
        row[27 + i] = c.site_S_m[i]
        row[33 + i] = nav[i]
        row[36 + i] = w.frame.nav_velocity_S_mps[i]
    row[16] = rs[2] - terrain_height(t, rs[0], rs[1])
    row[17] = w.frame.radar_altitude_m if w.frame.radar_altitude_valid else NAN
    row[18] = w.thrust_N
    row[19] = sqrt(c.thrust_S_N[0] ** 2 + c.thrust_S_N[1] ** 2 + c.thrust_S_N[2] ** 2)
    row[20] = w.throttle
    row[21] = c.throttle
    row[22] = acos(fmin(1.0, u[2]))
    row[23] = flying_mass_kg(w, p)
    row[24] = w.propellant_kg
    row[25] = w.bridle_tension_N
    row[26] = w.bridle_paid_m
    row[30] = sqrt((nav[0] - rs[0]) ** 2 + (nav[1] - rs[1]) ** 2 + (nav[2] - rs[2]) ** 2)
    row[31] = hypot(wx, wy)
    row[32] = rr[2] - terrain_height(t, rr[0], rr[1])
    for i in range(3):
        row[39 + i] = w.body.rate_B_radps[i]


cdef void hang_lander(WorldState* w, const WorldParams* p) noexcept nogil:
    """An airbag lander starts on its bridle, paid out, below the backshell."""
    w.rover_attached = 0
    w.bridle_paid_m = p.bridle_length_m
    w.rover.position_S_m[2] = w.stage.position_S_m[2] - p.bridle_length_m - p.rover_height_m
    w.rec.release_time_s = 0.0


cdef void nan_records(WorldState* w) noexcept nogil:
    cdef int i
    w.rec.touchdown_time_s = NAN
    w.rec.release_time_s = NAN
    w.rec.cut_time_s = NAN
    w.rec.cutoff_time_s = NAN
    w.rec.rad_fire_time_s = NAN
    w.rec.propellant_at_cut_kg = NAN
    w.rec.propellant_out_time_s = NAN
    w.rec.hazard_time_s = NAN
    w.rec.stage_impact_time_s = NAN
    w.rec.stage_impact_speed_mps = NAN
    w.rec.numerical_fault_time_s = NAN
    w.rec.touchdown_tilt_rad = NAN
    w.rec.touchdown_rate_radps = NAN
    w.rec.tilt_max_after_touchdown_rad = NAN
    w.rec.lean_rad = NAN
    for i in range(3):
        w.rec.touchdown_velocity_S_mps[i] = NAN
        w.rec.touchdown_position_S_m[i] = NAN
        w.rec.stage_impact_position_S_m[i] = NAN


cdef class World:
    """The world of one landing, ready to fly.

    Build it with hilander.sim.world.build_world (from a Scenario); the
    arguments here are the already validated and derived values.
    """

    def __cinit__(self):
        memset(&self.state, 0, sizeof(WorldState))
        memset(&self.terrain, 0, sizeof(Terrain))
        memset(&self.hazard_map, 0, sizeof(HazardMap))

    def __init__(self, dict params, position_S_m, velocity_S_mps, uint64_t seed,
                 relief_m, hazard_mask, dict geometry, hazard_map=None):
        self.params = params
        self._set_terrain(relief_m, hazard_mask, geometry)
        if hazard_map is not None:
            cost, elevation_m, cell_size_m, origin_S_m = hazard_map
            fill_hazard_map(&self.hazard_map, cost, elevation_m, cell_size_m, origin_S_m)
        self._start(position_S_m, velocity_S_mps, seed)

    def _set_terrain(self, relief_m, hazard_mask, dict geometry):
        self._relief = np.ascontiguousarray(relief_m, dtype=np.float64)
        self._hazard = np.ascontiguousarray(hazard_mask, dtype=np.uint8)
        if self._relief.ndim != 2 or self._relief.shape != self._hazard.shape:
            raise ValueError("relief and hazard mask must be 2-D arrays of one shape")
        cdef const double[:, ::1] r = self._relief
        cdef const unsigned char[:, ::1] h = self._hazard
        self.terrain.ny = r.shape[0]
        self.terrain.nx = r.shape[1]
        self.terrain.relief_m = &r[0, 0] if r.shape[0] > 1 and r.shape[1] > 1 else NULL
        self.terrain.hazard = &h[0, 0] if r.shape[0] > 1 and r.shape[1] > 1 else NULL
        self.terrain.x0_m = geometry["x0_m"]
        self.terrain.y0_m = geometry["y0_m"]
        self.terrain.resolution_m = geometry["resolution_m"]
        self.terrain.gradient[0] = geometry["gradient"][0]
        self.terrain.gradient[1] = geometry["gradient"][1]
        self.terrain.relief_max_m = float(self._relief.max()) if self._relief.size else 0.0

    def _start(self, position_S_m, velocity_S_mps, uint64_t seed):
        cdef WorldState* w = &self.state
        cdef int i
        nan_records(w)
        rng_seed(&w.rng_wind, seed, 1)
        rng_seed(&w.rng_radar, seed, 2)
        rng_seed(&w.rng_nav, seed, 3)
        rng_seed(&w.rng_imu, seed, 4)
        rng_seed(&w.rng_misc, seed, 5)
        rng_seed(&w.rng_fault, seed, 6)
        for i in range(3):
            w.stage.position_S_m[i] = position_S_m[i]
            w.stage.velocity_S_mps[i] = velocity_S_mps[i]
        w.thrust_dir_S[2] = w.thrust_dir_cmd_S[2] = 1.0
        w.rover_attached = 1
        stow_rover(w, &self.params)
        if self.params.landing_system == LANDING_AIRBAGS:
            hang_lander(w, &self.params)
        w.propellant_kg = self.params.propellant_mass_kg
        w.throttle = self.params.throttle_min
        w.engines_active = self.params.engine_count
        w.gust_S_mps[0] = self.params.gust_sigma_mps * rng_normal(&w.rng_wind)
        w.gust_S_mps[1] = self.params.gust_sigma_mps * rng_normal(&w.rng_wind)
        w.gust_wait = self.params.gust_period_steps
        for i in range(self.params.engines_true.count):
            w.engine_throttle[i] = self.params.throttle_min
        if self.params.six_dof:
            sixdof_start(w, &self.params)
        sensors_start(w, &self.params, &self.terrain)

    def sense(self):
        """The SensorFrame of this tick, as a dict of the C struct's fields."""
        cdef SensorFrame f
        world_sense(&self.state, &self.params, &self.terrain, &f)
        return f

    def command(self, dict command):
        """Give the plant a Command (dict of the C struct's fields)."""
        cdef Command c = command
        world_command(&self.state, &self.params, &c)

    def advance(self):
        """Run the plant for one control tick."""
        world_advance(&self.state, &self.params, &self.terrain, self.params.steps_per_tick)

    def record(self, dict command, double[::1] row):
        """Write this tick's telemetry row (COLUMNS) for the given command."""
        cdef Command c = command
        if row.shape[0] != TELEMETRY_COLUMNS:
            raise ValueError(f"a telemetry row has {TELEMETRY_COLUMNS} columns")
        world_record(&self.state, &self.params, &self.terrain, &c, &row[0])

    def orient(self, q_SB, rate_B_radps=(0.0, 0.0, 0.0)):
        """6-DOF: turn the stage about its reference point (which keeps its
        position and velocity) to the attitude q_SB (scalar first) with body
        rates, before the first tick: to start it tilted, or on a slope."""
        cdef double q[4]
        cdef double r[3]
        if not self.params.six_dof:
            raise ValueError("orient: the world is not 6-DOF ([sim] dynamics)")
        q = q_SB
        r = rate_B_radps
        sixdof_orient(&self.state, &self.params, q, r)

    @property
    def done(self):
        return bool(self.state.done)

    @property
    def tick(self):
        return self.state.tick

    @property
    def records(self):
        return self.state.rec

    def state_dict(self):
        """Plant state for tests (without the command queue and the frame)."""
        cdef dict s = self.state
        for key in ("queue", "queue_due", "frame", "rec"):
            del s[key]
        return s
