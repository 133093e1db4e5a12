/* The engine allocator's held set and its cycle stop (hl_allocate_seen.c), shared
 * with hl_allocate.c; the design is controller/_allocate.pyx's (C) */
#ifndef HL_ALLOCATE_SEEN_H
#define HL_ALLOCATE_SEEN_H

#include "hl_attitude.h"

enum { FREE = 0, FLOOR = -1, CEILING = 1, OFF = 2 }; /* an engine's state */

/* Brent's cycle detection over the active set's states after a step that holds no engine */
typedef struct {
    hl_real u[HL_ENGINE_MAX];
    hl_allocate_held_t held; /* {~0, ~0}: none yet (no engine is in both) */
    int count, power;
} hl_allocate_seen_t;

/* the engines held at their floor and at their ceiling, of n with these states */
void hl_allocate_held_masks(int n, const int *state, hl_allocate_held_t *held);
/* nothing seen yet */
void hl_allocate_seen_start(hl_allocate_seen_t *s);
/* 1 if this state (the engines' states and throttles) came before: the active set is a
 * function of its state, so it repeats for ever; keeps one, renewed at powers of 2 */
int hl_allocate_repeated(hl_allocate_seen_t *s, int n, const int *state, const hl_real *u);

#endif
