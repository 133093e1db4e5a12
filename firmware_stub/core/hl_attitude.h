/* Attitude control and engine allocation, ported from controller/_attitude.pyx
 * (the structs of controller/_attitude.pxd, in hl_real; docs/law.md, "Attitude
 * and engines"). Pure functions over fixed-size structs: no allocation, bounded
 * loops (at most HL_ALLOCATE_ITERATIONS_MAX solves of a 4x4 system). The allocator is
 * hl_allocate.c (from controller/_allocate.pyx).
 *
 * Body frame B: origin at the stage reference point, z along the thrust axis.
 * Quaternions are scalar first, q_SB turns a body vector into the site frame. */
#ifndef HL_ATTITUDE_H
#define HL_ATTITUDE_H

#include <stdint.h>

#include "hl_real.h"

#define HL_ENGINE_MAX 16               /* engines (or pulsed thrusters) per stage */
#define HL_ALLOCATE_ITERATIONS_MAX 64  /* the allocator's bound on its active-set steps */

/* hl_allocate()'s result bits */
#define HL_ALLOCATE_SATURATED 1u       /* some engine at its floor or ceiling */
#define HL_ALLOCATE_TORQUE_SHORT 2u    /* the torque asked for is out of reach */
#define HL_ALLOCATE_FORCE_SHORT 4u     /* the force asked for is out of reach (torque kept) */
#define HL_ALLOCATE_ITERATION_LIMIT 8u /* stopped at HL_ALLOCATE_ITERATIONS_MAX */

typedef struct hl_engine_layout {
    int32_t count;                             /* <= HL_ENGINE_MAX */
    hl_real position_B_m[HL_ENGINE_MAX][3];    /* where each engine's thrust acts */
    hl_real direction_B[HL_ENGINE_MAX][3];     /* unit vector of each engine's force */
    hl_real thrust_max_N;                      /* one engine at throttle 1 */
    hl_real throttle_min;                      /* floor while it runs (0: pulsed) */
    hl_real throttle_max;
} hl_engine_layout_t;

typedef struct hl_attitude_params {
    hl_real inertia_B_kg_m2[3]; /* principal moments about the centre of mass */
    hl_real com_B_m[3];         /* centre of mass from the reference point */
    hl_real bandwidth_radps;    /* the attitude loop's natural frequency */
    hl_real damping_ratio;
    hl_real torque_priority;    /* weight of a torque row (N m) over the force row (N) */
} hl_attitude_params_t;

/* the allocator's held set, in and out of a warm start (bit i: engine i) */
typedef struct hl_allocate_held {
    uint32_t floor;   /* held at throttle_min */
    uint32_t ceiling; /* held at throttle_max */
} hl_allocate_held_t;

/* the body torque turning body z onto thrust_dir_S: quaternion error, rate damping */
void hl_attitude_torque(const hl_real q_SB[4], const hl_real rate_B_radps[3],
                        const hl_real thrust_dir_S[3], const hl_attitude_params_t *a,
                        hl_real torque_B_Nm[3]);

/* one throttle per engine for the force along body z and the torque; HL_ALLOCATE_* bits */
uint32_t hl_allocate(const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                     uint32_t engines_ok, hl_real force_N, const hl_real torque_B_Nm[3],
                     hl_real throttle[HL_ENGINE_MAX]);

/* hl_allocate(), and the number of active-set solves it took */
uint32_t hl_allocate_counted(const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                             uint32_t engines_ok, hl_real force_N,
                             const hl_real torque_B_Nm[3], hl_real throttle[HL_ENGINE_MAX],
                             int32_t *iterations);

/* hl_allocate_counted() from the held set *held (the previous call's; {0, 0}: a cold
 * start, every engine free), which it updates to this call's; the same throttles as a
 * cold start wherever the allocation is unique (docs/law.md), usually in 1-2 solves */
uint32_t hl_allocate_warm(const hl_engine_layout_t *e, const hl_attitude_params_t *a,
                          uint32_t engines_ok, hl_real force_N, const hl_real torque_B_Nm[3],
                          hl_real throttle[HL_ENGINE_MAX], hl_allocate_held_t *held,
                          int32_t *iterations);

#endif
