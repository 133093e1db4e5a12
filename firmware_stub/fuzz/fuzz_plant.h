/* A point mass over flat ground at z = 0 for the structure-aware harness: it
 * flies the board's COMMANDs so that a landing goes through its phases
 * (approach, terminal descent, rover on its bridle, touchdown, cut, flyaway;
 * legs and their contact bits; airbags), and senses it as SENSOR_FRAMEs.
 * No drag, no wind, perfect sensors: the fuzzer perturbs them. */
#ifndef FUZZ_PLANT_H
#define FUZZ_PLANT_H

#include "fuzz_presets.h"
#include "hl_messages.h"

typedef struct fz_plant {
    const fz_preset_t *preset;
    double p[3], v[3];   /* the descent stage, m and m/s */
    double mass_kg;      /* flying, the rover included until it is cut */
    double thrust[3];    /* the last COMMAND's, N */
    int released, rover_down, cut, cutoff;
} fz_plant_t;

/* where: 0 the scenario's start, 1 over the gate, 2 over the sky-crane
 * altitude, 3 near the ground; d: position (m) and velocity (0.1 m/s) offsets */
void fz_plant_start(fz_plant_t *pl, const fz_preset_t *preset, unsigned where, const int d[6]);

/* the plant as sensed (step, time and hazard_map_ready aside) */
void fz_plant_sense(const fz_plant_t *pl, hl_sensor_frame_t *f);

/* one control period under the COMMAND c (NULL: no answer came, thrust held) */
void fz_plant_step(fz_plant_t *pl, const hl_command_t *c);

#endif
