/* The rules a PARAMS message keeps (docs/protocol.md, "PARAMS"): each value's
 * own, from a table generated from the law's declared parameters
 * (hl_param_rules.c), and the rules between values (hl_params.c), the same
 * ones in the same order as the Python boards check (LawConfig). */
#ifndef HL_PARAM_RULES_H
#define HL_PARAM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "hl_messages.h"

#define HL_RULE_GT 1u    /* value > low */
#define HL_RULE_GE 2u    /* value >= low */
#define HL_RULE_LT 4u    /* value < high */
#define HL_RULE_LE 8u    /* value <= high */
#define HL_RULE_WHOLE 16u /* a whole number (an integer, or the index of a word) */

typedef struct hl_param_rule {
    const char *name; /* the field's name, as in PARAMS order */
    uint8_t flags;
    double low, high;
} hl_param_rule_t;

extern const hl_param_rule_t hl_param_rules[HL_PARAM_COUNT];

#define HL_PARAMS_OK (-1)
#define HL_PARAMS_COUNT_WRONG 0xFFFFFFFFu /* ACK INVALID's detail for a wrong number of values */

/* The index of the first value that breaks its rule (or, after every value
 * kept its own, of the field a rule between values blames); HL_PARAMS_OK if
 * none. `count` must be HL_PARAM_COUNT (checked by the caller). */
int32_t hl_params_check(const double *v);

#endif
