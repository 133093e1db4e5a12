/* Powered-descent guidance: augmented Apollo with a searched time-to-go
 * (controller/_guidance.pyx; docs/law.md).
 *
 * In double in every build. The plan's coefficients cancel terms in t^3 and
 * the search's cost is flat or two-humped near its minimum, so in float32
 * the searched time-to-go moved by whole control steps against the Cython
 * law (tests/firmware/test_law_back_to_back.py); the search runs once a
 * replan period (0.5 s), so double costs little even in software. */
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
