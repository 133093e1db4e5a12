/* Airbag landers, ported from controller/_airbags.pyx: RAD rockets fired on
 * the parachute, then the bridle cut (docs/law.md). */
#ifndef HL_AIRBAGS_H
#define HL_AIRBAGS_H

#include "hl_law.h"

/* one step: phase, events, and the command's thrust and throttle */
void hl_airbag_step(hl_law_state_t *s, const hl_law_params_t *p, const hl_sensor_frame_t *f,
                    hl_command_t *c);

#endif
