# cython: language_level=3
"""The compiled closed loop: a whole landing with no Python object per step.

Each control tick: the world senses, the law steps, the command is queued
(with the latency), the tick's telemetry row is written into a preallocated
array, and the plant runs one control period. This is the same sequence,
through the same C functions, as the general loop in hilander.sim.run, so
the compiled law gives identical landings on both paths.

replay_law steps the compiled law alone over recorded frames: for
back-to-back comparisons, and to time the law on its own.
"""

from libc.stdlib cimport free, malloc
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from hilander.controller._law cimport SensorFrame, Command, law_step
from hilander.controller._core cimport LawCore
from hilander.sim._world cimport World, world_command, world_advance, world_record
from hilander.sim._sensors cimport world_sense
from hilander.sim._types cimport TELEMETRY_COLUMNS


def fly_compiled(World world, LawCore law, double[:, ::1] telemetry):
    """Fly until the landing ends or the telemetry is full; return the ticks flown."""
    cdef SensorFrame f
    cdef Command c
    cdef Py_ssize_t rows = telemetry.shape[0]
    if telemetry.shape[1] != TELEMETRY_COLUMNS:
        raise ValueError(f"telemetry needs {TELEMETRY_COLUMNS} columns")
    with nogil:
        while not world.state.done and world.state.tick < rows:
            world_sense(&world.state, &world.params, &world.terrain, &f)
            # the map once it has come in (NULL before, as on a board): read on its
            # frame, by the site search after it, and by convex guidance's least miss
            law_step(&law.state, &law.params, &f,
                     &world.hazard_map if world.state.hazard_delivered else NULL, &c)
            world_command(&world.state, &world.params, &c)
            world_record(&world.state, &world.params, &world.terrain, &c,
                         &telemetry[world.state.tick, 0])
            world_advance(&world.state, &world.params, &world.terrain,
                          world.params.steps_per_tick)
    return world.state.tick


def replay_law(LawCore law, list frames):
    """Step the compiled law over recorded frames (dicts of SensorFrame fields).

    The frames are converted first; then the law runs over all of them in C
    with no Python per step. Frames with hazard_map_ready, and the site search
    on the steps after them, use the map loaded into the law
    (LawCore.load_hazard_map). Returns (commands as dicts, the
    seconds the C loop took by the monotonic clock).
    """
    cdef Py_ssize_t n = len(frames), k
    cdef SensorFrame* f = <SensorFrame*>malloc(max(n, 1) * sizeof(SensorFrame))
    cdef Command* c = <Command*>malloc(max(n, 1) * sizeof(Command))
    cdef timespec t0, t1
    if f == NULL or c == NULL:
        free(f)
        free(c)
        raise MemoryError()
    try:
        for k in range(n):
            f[k] = frames[k]
        with nogil:
            clock_gettime(CLOCK_MONOTONIC, &t0)
            for k in range(n):
                law_step(&law.state, &law.params, &f[k],
                         &law.hazard_map if f[k].hazard_map_ready or law.map_loaded else NULL,
                         &c[k])
            clock_gettime(CLOCK_MONOTONIC, &t1)
        commands = [c[k] for k in range(n)]
    finally:
        free(f)
        free(c)
    return commands, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9
