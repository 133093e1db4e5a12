/* Powered-descent guidance: augmented Apollo with a searched time-to-go
 * (controller/_guidance.pyx; docs/law.md).
 *
 * The problem is handed over in double, and the thrust acceleration of a
 * step (hl_guidance_accel) is computed in double. The time-to-go search (44
 * evaluations of the plan's cost, once a replan period) runs in the law's
 * number type: float32 in a board's build, where the Cortex-M4F's FPU does
 * it in hardware (in double it took 2.9 M instructions of software floating
 * point on the M4F), double with -DHL_REAL_DOUBLE, operation for operation
 * as the Cython law. The search's cost is flat near its minimum, so float32
 * moves the searched time-to-go a little: the tolerance this gives is in
 * tests/firmware/test_law_back_to_back.py and docs/law.md. */
#ifndef HL_GUIDANCE_H
#define HL_GUIDANCE_H

#include <math.h>

typedef struct hl_tgo_problem {
    double r[3];        /* position now, site frame [m] */
    double v[3];        /* velocity now [m/s] */
    double rf[3];       /* target position [m] */
    double vf[3];       /* target velocity [m/s] */
    double af[3];       /* target thrust acceleration [m/s^2] */
    double g;           /* gravity magnitude, along -z [m/s^2] */
    double gain[3];     /* k per axis: 6 = ZEM/ZEV, 12 = Apollo */
    double accel_max;   /* thrust acceleration available [m/s^2] */
    double accel_min;   /* minimum thrust acceleration [m/s^2] */
    double cos_tilt;    /* cosine of the thrust tilt limit */
    double floor_z;     /* no flight below this z before arrival [m] */
    double tgo_min;     /* search bounds [s] */
    double tgo_max;
} hl_tgo_problem_t;

void hl_guidance_accel(const hl_tgo_problem_t *p, double tgo, double a[3]);
double hl_tgo_violation(const hl_tgo_problem_t *p, double tgo);
double hl_tgo_search(const hl_tgo_problem_t *p);
double hl_coast_and_brake_s(const hl_tgo_problem_t *q, double v_gate, double decel);

#endif
