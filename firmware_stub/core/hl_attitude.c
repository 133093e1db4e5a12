/* Attitude control, a line-by-line port of controller/_attitude.pyx (the allocator:
 * hl_allocate.c) */
#include "hl_attitude.h"

static hl_real dot4(const hl_real *x, const hl_real *y)
{ return x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3]; }

/* d (site frame) in the body frame, R(q)^T d, q of unit norm */
static void body_direction(const hl_real *q, const hl_real *d, hl_real *out)
{
    hl_real w = q[0], x = q[1], y = q[2], z = q[3];
    out[0] = (R(1.0) - R(2.0) * (y * y + z * z)) * d[0] + R(2.0) * (x * y + w * z) * d[1]
             + R(2.0) * (x * z - w * y) * d[2];
    out[1] = R(2.0) * (x * y - w * z) * d[0] + (R(1.0) - R(2.0) * (x * x + z * z)) * d[1]
             + R(2.0) * (y * z + w * x) * d[2];
    out[2] = R(2.0) * (x * z + w * y) * d[0] + R(2.0) * (y * z - w * x) * d[1]
             + (R(1.0) - R(2.0) * (x * x + y * y)) * d[2];
}

/* the vector part of the error quaternion (design A) */
static void error_vector(const hl_real *q_SB, const hl_real *dir_S, hl_real *e)
{
    hl_real qn = hl_sqrt(dot4(q_SB, q_SB)), q[4], du[3], d[3], w, n;
    hl_real dn = hl_sqrt(dir_S[0] * dir_S[0] + dir_S[1] * dir_S[1] + dir_S[2] * dir_S[2]);
    int i;
    e[0] = e[1] = e[2] = R(0.0);
    if (!(dn > R(0.0) && isfinite(dn)))
        return;
    for (i = 0; i < 4; i++)
        q[i] = q_SB[i] / qn;
    for (i = 0; i < 3; i++)
        du[i] = dir_S[i] / dn;
    body_direction(q, du, d);
    w = R(1.0) + d[2];
    n = hl_sqrt(w * w + d[1] * d[1] + d[0] * d[0]);
    if (!(n > R(0.0))) {
        e[0] = R(1.0);
        return;
    }
    if (w < R(0.0))
        n = -n;
    e[0] = -d[1] / n;
    e[1] = d[0] / n;
}

void hl_attitude_torque(const hl_real q_SB[4], const hl_real rate_B_radps[3],
                        const hl_real thrust_dir_S[3], const hl_attitude_params_t *a,
                        hl_real torque_B_Nm[3])
{
    hl_real qn2 = dot4(q_SB, q_SB), e[3], wn = a->bandwidth_radps, k_p, k_d;
    int ok = qn2 > R(0.0) && isfinite(qn2) && isfinite(wn) && isfinite(a->damping_ratio);
    int i;
    for (i = 0; i < 3; i++)
        ok = ok && isfinite(rate_B_radps[i]) && isfinite(a->inertia_B_kg_m2[i]);
    torque_B_Nm[0] = torque_B_Nm[1] = torque_B_Nm[2] = R(0.0);
    if (!ok)
        return;
    error_vector(q_SB, thrust_dir_S, e);
    k_p = wn * wn;
    k_d = R(2.0) * a->damping_ratio * wn;
    for (i = 0; i < 3; i++) {
        torque_B_Nm[i] = a->inertia_B_kg_m2[i] * (k_p * (R(2.0) * e[i]) - k_d * rate_B_radps[i]);
        ok = ok && isfinite(torque_B_Nm[i]);
    }
    if (!ok) /* huge gains overflowed */
        torque_B_Nm[0] = torque_B_Nm[1] = torque_B_Nm[2] = R(0.0);
}
