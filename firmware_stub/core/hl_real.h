/* The law's number type: float (the default, float32 as on a flight
 * computer) or, with -DHL_REAL_DOUBLE, double (to check the port against the
 * Cython law operation for operation). */
#ifndef HL_REAL_H
#define HL_REAL_H

#include <math.h>

#ifdef HL_REAL_DOUBLE
typedef double hl_real;
#define hl_sqrt sqrt
#define hl_cos cos
#define hl_sin sin
#define hl_acos acos
#define hl_tan tan
#define hl_fabs fabs
#define hl_fmax fmax
#define hl_fmin fmin
#define hl_pow pow
#define hl_log log
#define hl_exp exp
#define hl_floor floor
#else
typedef float hl_real;
#define hl_sqrt sqrtf
#define hl_cos cosf
#define hl_sin sinf
#define hl_acos acosf
#define hl_tan tanf
#define hl_fabs fabsf
#define hl_fmax fmaxf
#define hl_fmin fminf
#define hl_pow powf
#define hl_log logf
#define hl_exp expf
#define hl_floor floorf
#endif

/* a constant in the law's type */
#define R(x) ((hl_real)(x))

#endif
