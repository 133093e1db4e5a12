/* Convex guidance's tracking (B and F): the plan's state at a time, the
 * feedback toward it, and a coast's command turned early toward a later
 * burn. The C port of controller/_track.pyx; the double build matches it bit
 * for bit. */
#include "hl_track.h"

#include "hl_throttle.h"

static const double PI = 3.141592653589793;
/* F: a command under this many times the thrust floor's acceleration is a
 * coast's, turned early toward a later burn; a burn's or a correction's is not */
static const hl_real COAST = R(1.5);

static hl_real hl_norm3(const hl_real x[3])
{
    return hl_sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
}

/* the angle between two vectors (0 if either is zero) */
static hl_real angle_between(const hl_real a[3], const hl_real b[3])
{
    hl_real na = hl_norm3(a), nb = hl_norm3(b);
    if (na <= R(0.0) || nb <= R(0.0)) return R(0.0);
    return hl_acos(
        hl_fmin(hl_fmax((a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb), R(-1.0)), R(1.0)));
}

/* a turned by phi toward b, in their plane, its length kept */
static void turn_toward(hl_real a[3], const hl_real b[3], hl_real phi)
{
    hl_real na = hl_norm3(a), nb = hl_norm3(b), u[3], w[3], c, nw;
    int i;
    for (i = 0; i < 3; i++) u[i] = a[i] / na;
    c = (u[0] * b[0] + u[1] * b[1] + u[2] * b[2]) / nb;
    for (i = 0; i < 3; i++) w[i] = b[i] / nb - c * u[i];
    nw = hl_norm3(w);
    if (nw <= R(1e-9)) return; /* along b or against it: no plane to turn in */
    for (i = 0; i < 3; i++) a[i] = na * (hl_cos(phi) * u[i] + hl_sin(phi) * w[i] / nw);
}

/* a turned toward the later interval it reaches latest at the stage's turn
 * rate, by the excess angle (F) */
void hl_anticipate_turn(hl_real rate, const hl_plan_state_t *pl, double t, int k, hl_real a[3])
{
    hl_real dt = pl->time_of_flight_s / (hl_real)pl->nodes;
    hl_real excess = R(0.0), lead, e;
    int j, late = -1;
    if (rate <= R(0.0)) return;
    for (j = k + 1; j < pl->nodes; j++) {
        lead = (hl_real)(pl->start_s + (double)j * (double)dt - t);
        if ((double)(rate * lead) >= PI) break;
        e = angle_between(a, pl->accel_mps2[j]) - rate * lead;
        if (e > excess) {
            excess = e;
            late = j;
        }
    }
    if (late >= 0) turn_toward(a, pl->accel_mps2[late], excess);
}

/* the plan's position and velocity at time t (clamped to the plan): the
 * start state carried through the held accelerations (B); returns the
 * interval flown */
int hl_plan_state_at(const hl_plan_state_t *pl, hl_real g, double t, hl_real r[3], hl_real v[3])
{
    hl_real dt = pl->time_of_flight_s / (hl_real)pl->nodes;
    hl_real tau = hl_fmin(hl_fmax((hl_real)(t - pl->start_s), R(0.0)), pl->time_of_flight_s);
    int k = (int)(tau / dt), i, j;
    hl_real h, a;
    if (k > pl->nodes - 1) k = pl->nodes - 1;
    for (i = 0; i < 3; i++) {
        r[i] = pl->position_m[i];
        v[i] = pl->velocity_mps[i];
    }
    for (j = 0; j <= k; j++) {
        h = j < k ? dt : tau - (hl_real)k * dt;
        for (i = 0; i < 3; i++) {
            a = pl->accel_mps2[j][i] - (i == 2 ? g : R(0.0));
            r[i] += v[i] * h + R(0.5) * a * h * h;
            v[i] += a * h;
        }
    }
    return k;
}

/* the plan's acceleration now, plus the feedback toward its state (B); a
 * coast's turned early toward where the plan goes (F); *raise_max, the bound
 * on the throttle stage's raise (hl_track.h) */
void hl_track(const hl_law_params_t *p, const hl_plan_state_t *pl, const hl_sensor_frame_t *f,
              hl_real a[3], hl_real *raise_max)
{
    hl_real r[3], v[3], floor_mps2;
    hl_real kp = p->plan_position_gain_per_s2, kv = p->plan_velocity_gain_per_s;
    int i, k = hl_plan_state_at(pl, p->gravity_mps2, (double)f->time_s, r, v);
    for (i = 0; i < 3; i++)
        a[i] = pl->accel_mps2[k][i] + kp * (r[i] - (hl_real)f->nav_position_S_m[i])
               + kv * (v[i] - (hl_real)f->nav_velocity_S_mps[i]);
    if (kp * (r[2] - (hl_real)f->nav_position_S_m[2])
            + kv * (v[2] - (hl_real)f->nav_velocity_S_mps[2]) < R(0.0))
        *raise_max = pl->accel_mps2[k][2]; /* above the plan: no climbing away */
    else
        *raise_max = (hl_real)INFINITY;
    floor_mps2 = p->throttle_min * hl_thrust_rated_N(p, f->engines_active)
                 / hl_fmax((hl_real)f->mass_estimate_kg, R(1.0));
    if (hl_norm3(a) < COAST * floor_mps2)
        hl_anticipate_turn(p->slew_rate_max_radps, pl, (double)f->time_s, k, a);
}
