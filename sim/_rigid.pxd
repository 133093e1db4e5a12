# cython: language_level=3
"""Rigid-body mechanics for the 6-DOF world: quaternions, one body's step,
the engines' force and torque.

Body frame B: origin at the stage reference point, z along the thrust axis;
q_SB (scalar first) turns a body vector into the site frame S (east, north,
up). The state is that of the centre of mass; the reference point is found
from it and com_B_m.
"""

from hilander.controller._attitude cimport ENGINE_MAX, EngineLayout

cdef struct RigidState:
    double position_S_m[3]               # centre of mass
    double velocity_S_mps[3]
    double q_SB[4]                       # attitude, scalar first
    double rate_B_radps[3]               # body rates

cdef struct MassProperties:
    double mass_kg
    double com_B_m[3]                    # centre of mass from the reference point
    double inertia_B_kg_m2[9]            # about the centre of mass, body axes, row-major
    double inertia_inv_B[9]              # its inverse

cdef void quat_mul(const double a[4], const double b[4], double out[4]) noexcept nogil
cdef void quat_rotate(const double q[4], const double v[3], double out[3]) noexcept nogil
cdef void quat_rotate_inv(const double q[4], const double v[3], double out[3]) noexcept nogil
cdef void quat_normalize(double q[4]) noexcept nogil

cdef void mass_properties(double dry_mass_kg, const double dry_com_B_m[3],
                          const double dry_inertia_B_kg_m2[3], double propellant_kg,
                          const double tank_com_B_m[3], double tank_radius_m,
                          MassProperties* m) noexcept nogil

cdef void rigid_step(RigidState* s, const MassProperties* m, const double force_S_N[3],
                     const double torque_B_Nm[3], double gravity_mps2,
                     double dt_s) noexcept nogil

cdef void point_state(const RigidState* s, const MassProperties* m, const double point_B_m[3],
                      double position_S_m[3], double velocity_S_mps[3]) noexcept nogil

cdef void engine_wrench(const EngineLayout* e, const double throttle[ENGINE_MAX],
                        const double thrust_scale[ENGINE_MAX], const double com_B_m[3],
                        double force_B_N[3], double torque_B_Nm[3]) noexcept nogil
