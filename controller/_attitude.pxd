# cython: language_level=3
"""Attitude control and engine allocation: the engine-level stage of the law.

Body frame B of the descent stage: origin at the stage reference point, z
along the thrust axis (up through the stage when it stands upright), x and y
across it. Quaternions are scalar first, q = (w, x, y, z), and q_SB turns a
body vector into the site frame: v_S = q_SB v_B q_SB*.

Two pure functions over fixed-size structs (no heap, bounded loops):
attitude_torque turns the guidance's thrust direction and the attitude
estimate into a body torque (quaternion error, rate damping); allocate turns
the force along the thrust axis and that torque into one throttle per engine,
each within its floor and ceiling, the torque first when they conflict.
"""

from libc.stdint cimport int32_t, uint32_t

cdef enum:
    ENGINE_MAX = 16                      # engines (or pulsed thrusters) per stage
    ALLOCATE_ITERATIONS_MAX = 64         # the allocator's bound on its active-set steps

# allocate()'s result bits
cdef enum:
    ALLOCATE_SATURATED = 1               # some engine at its floor or ceiling
    ALLOCATE_TORQUE_SHORT = 2            # the torque asked for is out of reach
    ALLOCATE_FORCE_SHORT = 4             # the force asked for is out of reach (torque kept)
    ALLOCATE_ITERATION_LIMIT = 8         # stopped at ALLOCATE_ITERATIONS_MAX

cdef struct EngineLayout:                # the engines, as the flight software knows them
    int32_t count                        # <= ENGINE_MAX
    double position_B_m[ENGINE_MAX][3]   # where each engine's thrust acts, from the reference point
    double direction_B[ENGINE_MAX][3]    # unit vector of the force each engine puts on the stage
    double thrust_max_N                  # one engine at throttle 1
    double throttle_min                  # floor while it runs (0 for pulsed thrusters)
    double throttle_max

cdef struct AttitudeParams:
    double inertia_B_kg_m2[3]            # principal moments about the centre of mass
    double com_B_m[3]                    # centre of mass from the reference point
    double bandwidth_radps               # the attitude loop's natural frequency
    double damping_ratio
    double torque_priority               # weight of a torque row (N m) over the force row (N)

# the allocator's held set, in and out of a warm start (bit i: engine i)
cdef struct AllocateHeld:
    uint32_t floor                       # held at throttle_min
    uint32_t ceiling                     # held at throttle_max

cdef void attitude_torque(const double q_SB[4], const double rate_B_radps[3],
                          const double thrust_dir_S[3], const AttitudeParams* a,
                          double torque_B_Nm[3]) noexcept nogil

cdef uint32_t allocate(const EngineLayout* e, const AttitudeParams* a, uint32_t engines_ok,
                       double force_N, const double torque_B_Nm[3],
                       double throttle[ENGINE_MAX]) noexcept nogil

# allocate(), and the number of active-set solves it took (for tests and benchmarks)
cdef uint32_t allocate_counted(const EngineLayout* e, const AttitudeParams* a,
                               uint32_t engines_ok, double force_N,
                               const double torque_B_Nm[3], double throttle[ENGINE_MAX],
                               int32_t* iterations) noexcept nogil

# allocate_counted() from the held set *held (the previous call's; {0, 0}: a cold start,
# every engine free), which it updates to this call's; the same throttles as a cold start
# wherever the allocation is unique (docs/law.md), usually in one or two solves
cdef uint32_t allocate_warm(const EngineLayout* e, const AttitudeParams* a,
                            uint32_t engines_ok, double force_N, const double torque_B_Nm[3],
                            double throttle[ENGINE_MAX], AllocateHeld* held,
                            int32_t* iterations) noexcept nogil
