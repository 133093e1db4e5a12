# cython: language_level=3
"""The compiled closed loop: a whole landing with no Python object per step.

Each control tick: the world senses, the law steps, the command is queued
(with the latency), the tick's telemetry row is written into a preallocated
array, and the plant runs one control period. This is the same sequence,
through the same C functions, as the general loop in hilander.sim.run, so
the compiled law gives identical landings on both paths.
"""

from hilander.controller._law cimport SensorFrame, Command, law_step
from hilander.controller._core cimport LawCore
from hilander.sim._world cimport World, world_command, world_advance, world_record
from hilander.sim._sensors cimport world_sense


def fly_compiled(World world, LawCore law, double[:, ::1] telemetry):
    """Fly until the landing ends or the telemetry is full; return the ticks flown."""
    cdef SensorFrame f
    cdef Command c
    cdef Py_ssize_t rows = telemetry.shape[0]
    if telemetry.shape[1] != 33:
        raise ValueError("telemetry needs 33 columns")
    with nogil:
        while not world.state.done and world.state.tick < rows:
            world_sense(&world.state, &world.params, &world.terrain, &f)
            law_step(&law.state, &law.params, &f,
                     &world.hazard_map if f.hazard_map_ready else NULL, &c)
            world_command(&world.state, &world.params, &c)
            world_record(&world.state, &world.params, &world.terrain, &c,
                         &telemetry[world.state.tick, 0])
            world_advance(&world.state, &world.params, &world.terrain,
                          world.params.steps_per_tick)
    return world.state.tick
