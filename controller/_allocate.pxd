# cython: language_level=3
"""The engine allocator behind _attitude.pxd's allocate(), allocate_counted() and
allocate_warm() (their declarations and structs are there; design in _allocate.pyx)."""

from libc.stdint cimport int32_t, uint32_t

from hilander.controller._attitude cimport (
    ENGINE_MAX, ALLOCATE_ITERATIONS_MAX, ALLOCATE_SATURATED, ALLOCATE_TORQUE_SHORT,
    ALLOCATE_FORCE_SHORT, ALLOCATE_ITERATION_LIMIT, EngineLayout, AttitudeParams, AllocateHeld,
)

# the allocation from the held set *held, which it updates; the ALLOCATE_* bits
cdef uint32_t allocate_held(const EngineLayout* e, const AttitudeParams* a,
                            uint32_t engines_ok, double force_N, const double torque_B_Nm[3],
                            double throttle[ENGINE_MAX], AllocateHeld* held,
                            int32_t* iterations) noexcept nogil
