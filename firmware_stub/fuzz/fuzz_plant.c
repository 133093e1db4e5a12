#include "fuzz_plant.h"

#include <math.h>
#include <string.h>

#define V(name) (pl->preset->values[HL_PARAM_##name])
#define G0 9.80665

void fz_plant_start(fz_plant_t *pl, const fz_preset_t *preset, unsigned where, const int d[6])
{
    const double *s = preset->start;
    double h, vz;
    int i;
    memset(pl, 0, sizeof *pl);
    pl->preset = preset;
    pl->mass_kg = preset->mass_kg;
    switch (where % 4u) {
    case 0: h = s[2], vz = s[5]; break;
    case 1: h = 1.5 * V(gate_altitude_m), vz = -V(gate_speed_mps); break;
    case 2: h = V(sky_crane_altitude_m) + 5.0, vz = -2.0 * V(sky_crane_speed_mps); break;
    default: h = V(bridle_length_m) + V(rover_height_m) + 2.0, vz = -V(sky_crane_speed_mps); break;
    }
    pl->p[0] = where % 4u == 0u ? s[0] : 0.0;
    pl->p[1] = where % 4u == 0u ? s[1] : 0.0;
    pl->p[2] = h;
    pl->v[0] = where % 4u == 0u ? s[3] : 0.0;
    pl->v[1] = where % 4u == 0u ? s[4] : 0.0;
    pl->v[2] = vz;
    for (i = 0; i < 3; i++) {
        pl->p[i] += (double)d[i];
        pl->v[i] += 0.1 * (double)d[3 + i];
    }
    if (pl->p[2] < 0.0) pl->p[2] = 0.0;
    /* from the start, the engines hold the stage against gravity */
    pl->thrust[2] = pl->mass_kg * V(gravity_mps2);
}

/* the mass that the thrust moves: the rover's hangs on the ground once down */
static double moved_kg(const fz_plant_t *pl)
{
    return pl->mass_kg - (pl->rover_down || pl->cut ? pl->preset->rover_kg : 0.0);
}

static double norm(const double v[3])
{
    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

void fz_plant_sense(const fz_plant_t *pl, hl_sensor_frame_t *f)
{
    double m = moved_kg(pl), g = V(gravity_mps2);
    int i;
    memset(f, 0, sizeof *f);
    f->radar_altitude_m = (float)pl->p[2];
    f->radar_altitude_valid = pl->p[2] < 6000.0;
    f->radar_velocity_valid = f->radar_altitude_valid;
    for (i = 0; i < 3; i++) {
        f->radar_velocity_S_mps[i] = (float)pl->v[i];
        f->nav_position_S_m[i] = (float)pl->p[i];
        f->nav_velocity_S_mps[i] = (float)pl->v[i];
        f->specific_force_S_mps2[i] = (float)(pl->thrust[i] / m);
    }
    f->mass_estimate_kg = (float)(pl->mass_kg - (pl->cut ? pl->preset->rover_kg : 0.0));
    f->thrust_measured_N = (float)norm(pl->thrust);
    f->engines_active = pl->cutoff ? 0u : (uint8_t)V(engine_count);
    f->bridle_tension_N = pl->released && !pl->rover_down && !pl->cut
                              ? (float)(pl->preset->rover_kg * g) : 0.0f;
    if (pl->preset->legs > 0 && pl->p[2] <= 0.05) f->contact = (uint8_t)((1u << pl->preset->legs) - 1u);
}

/* the COMMAND's thrust and latched events, kept finite */
static void command(fz_plant_t *pl, const hl_command_t *c)
{
    int i;
    for (i = 0; i < 3; i++) {
        double t = (double)c->thrust_S_N[i];
        pl->thrust[i] = isfinite(t) && fabs(t) < 1e7 ? t : 0.0;
    }
    pl->released |= (c->events & HL_EVENT_ROVER_RELEASE) != 0;
    pl->cut |= (c->events & (HL_EVENT_TETHER_CUT | HL_EVENT_BRIDLE_CUT)) != 0;
    pl->cutoff |= (c->events & HL_EVENT_ENGINE_CUTOFF) != 0;
}

void fz_plant_step(fz_plant_t *pl, const hl_command_t *c)
{
    double dt = 1.0 / V(control_rate_Hz), g = V(gravity_mps2);
    double dry = pl->preset->mass_kg - V(propellant_mass_kg), m;
    int i;
    if (c != NULL) command(pl, c);
    if (pl->cutoff) memset(pl->thrust, 0, sizeof pl->thrust);
    m = moved_kg(pl);
    for (i = 0; i < 3; i++) {
        double a = pl->thrust[i] / m - (i == 2 ? g : 0.0);
        pl->v[i] += a * dt;
        pl->p[i] += pl->v[i] * dt;
    }
    pl->mass_kg -= norm(pl->thrust) / (V(isp_s) * G0) * dt;
    if (pl->mass_kg < dry) pl->mass_kg = dry;
    if (pl->released && !pl->cut)
        pl->rover_down = pl->p[2] <= V(bridle_length_m) + V(rover_height_m);
    if (pl->p[2] <= 0.0) { /* on the ground: it stays there */
        pl->p[2] = 0.0;
        memset(pl->v, 0, sizeof pl->v);
    }
}
