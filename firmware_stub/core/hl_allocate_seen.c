/* The engine allocator's held set and its cycle stop (declared in hl_allocate_seen.h;
 * ported line by line from controller/_allocate.pyx's held_masks and repeated) */
#include "hl_allocate_seen.h"

void hl_allocate_held_masks(int n, const int *state, hl_allocate_held_t *held)
{
    int i;
    held->floor = held->ceiling = 0u;
    for (i = 0; i < n; i++) {
        if (state[i] == FLOOR)
            held->floor |= 1u << i;
        else if (state[i] == CEILING)
            held->ceiling |= 1u << i;
    }
}

void hl_allocate_seen_start(hl_allocate_seen_t *s)
{
    s->held.floor = s->held.ceiling = 0xFFFFFFFFu;
    s->count = 0, s->power = 1;
}

int hl_allocate_repeated(hl_allocate_seen_t *s, int n, const int *state, const hl_real *u)
{
    hl_allocate_held_t now;
    int i = 0;
    hl_allocate_held_masks(n, state, &now);
    if (now.floor == s->held.floor && now.ceiling == s->held.ceiling) {
        while (i < n && u[i] == s->u[i])
            i++;
        if (i == n)
            return 1;
    }
    if (++s->count == s->power) {
        s->held = now, s->count = 0, s->power *= 2;
        for (i = 0; i < n; i++)
            s->u[i] = u[i];
    }
    return 0;
}
