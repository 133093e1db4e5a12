/* PARAMS.values -> hl_law_params_t: the one place that knows both orders. */
#include "hl_law.h"
#include "hl_param_rules.h"

#define P(name) ((hl_real)v[HL_PARAM_##name])

void hl_law_params_from(const double *v, hl_law_params_t *p)
{
    p->landing_system = (int32_t)v[HL_PARAM_landing_system];
    p->control_rate_Hz = P(control_rate_Hz);
    p->gravity_mps2 = P(gravity_mps2);
    p->engine_count = (int32_t)v[HL_PARAM_engine_count];
    p->engine_thrust_max_N = P(engine_thrust_max_N);
    p->throttle_min = P(throttle_min);
    p->throttle_max = P(throttle_max);
    p->throttle_rate_max_per_s = P(throttle_rate_max_per_s);
    p->cant_rad = P(cant_rad);
    p->tilt_max_rad = P(tilt_max_rad);
    p->isp_s = P(isp_s);
    p->bridle_length_m = P(bridle_length_m);
    p->bridle_payout_time_s = P(bridle_payout_time_s);
    p->rover_height_m = P(rover_height_m);
    p->propellant_mass_kg = P(propellant_mass_kg);
    p->slew_rate_max_radps = P(slew_rate_max_radps);
    p->gate_altitude_m = P(gate_altitude_m);
    p->gate_speed_mps = P(gate_speed_mps);
    p->guidance_gain = P(guidance_gain);
    p->turn_speed_error_mps = P(turn_speed_error_mps);
    p->tgo_min_s = P(tgo_min_s);
    p->tgo_max_s = P(tgo_max_s);
    p->tgo_switch_s = P(tgo_switch_s);
    p->tgo_freeze_s = P(tgo_freeze_s);
    p->replan_period_s = P(replan_period_s);
    p->hover_s = P(hover_s);
    p->guidance = (int32_t)v[HL_PARAM_guidance];
    p->plan_nodes = (int32_t)v[HL_PARAM_plan_nodes];
    p->plan_throttle_max = P(plan_throttle_max);
    p->plan_reserve_kg = P(plan_reserve_kg);
    p->plan_glide_slope_rad = P(plan_glide_slope_rad);
    p->plan_position_gain_per_s2 = P(plan_position_gain_per_s2);
    p->plan_velocity_gain_per_s = P(plan_velocity_gain_per_s);
    p->plan_iterations_per_tick = (int32_t)v[HL_PARAM_plan_iterations_per_tick];
    p->sky_crane_altitude_m = P(sky_crane_altitude_m);
    p->sky_crane_speed_mps = P(sky_crane_speed_mps);
    p->final_decel_mps2 = P(final_decel_mps2);
    p->vertical_gain_per_s = P(vertical_gain_per_s);
    p->vertical_integral_gain_per_s2 = P(vertical_integral_gain_per_s2);
    p->position_gain_per_s = P(position_gain_per_s);
    p->horizontal_gain_per_s = P(horizontal_gain_per_s);
    p->horizontal_speed_max_mps = P(horizontal_speed_max_mps);
    p->sky_crane_horizontal_speed_max_mps = P(sky_crane_horizontal_speed_max_mps);
    p->radar_velocity_gate_mps = P(radar_velocity_gate_mps);
    p->site_cost_safe_max = P(site_cost_safe_max);
    p->site_clearance_min_m = P(site_clearance_min_m);
    p->site_clearance_pref_m = P(site_clearance_pref_m);
    p->divert_max_m = P(divert_max_m);
    p->divert_accel_fraction = P(divert_accel_fraction);
    p->site_weight_clearance = P(site_weight_clearance);
    p->site_weight_distance = P(site_weight_distance);
    p->site_weight_propellant = P(site_weight_propellant);
    p->site_propellant_scale_kg = P(site_propellant_scale_kg);
    p->site_search_rows_per_tick = (int32_t)v[HL_PARAM_site_search_rows_per_tick];
    p->td_thrust_ratio = P(td_thrust_ratio);
    p->td_persistence_s = P(td_persistence_s);
    p->td_filter_time_s = P(td_filter_time_s);
    p->td_arm_settle_s = P(td_arm_settle_s);
    /* the highest descent-stage altitude at which a touchdown is plausible:
     * the rover on its bridle below the stage, or a lander on its legs */
    p->td_gate_altitude_m = (hl_real)(v[HL_PARAM_bridle_length_m] + v[HL_PARAM_rover_height_m]
                                      + v[HL_PARAM_td_gate_margin_m]);
    if (p->landing_system == HL_LANDING_LEGS) p->td_gate_altitude_m = P(td_gate_margin_m);
    p->td_arm_altitude_m = P(td_arm_altitude_m);
    p->td_contact_samples = (int32_t)v[HL_PARAM_td_contact_samples];
    p->tether_cut_delay_s = P(tether_cut_delay_s);
    p->flyaway_climb_s = P(flyaway_climb_s);
    p->flyaway_climb_thrust_factor = P(flyaway_climb_thrust_factor);
    p->flyaway_tilt_rad = P(flyaway_tilt_rad);
    p->flyaway_burn_s = P(flyaway_burn_s);
    p->flyaway_thrust_factor = P(flyaway_thrust_factor);
    p->airbag_release_altitude_m = P(airbag_release_altitude_m);
    p->airbag_cut_speed_mps = P(airbag_cut_speed_mps);
}

/* ---- the rules a PARAMS keeps (hl_param_rules.h) ---- */

/* a whole number, as Python's float.is_integer(): every double of 2^53 or
 * more is one (and converting it to an integer could overflow) */
static int whole(double x)
{
    const double two_53 = 9007199254740992.0;
    return x >= two_53 || x <= -two_53 || x == (double)(int64_t)x;
}

static int value_breaks(const hl_param_rule_t *r, double x)
{
    if (!(x - x == 0.0)) return 1; /* NaN or infinite */
    if ((r->flags & HL_RULE_WHOLE) && !whole(x)) return 1;
    if ((r->flags & HL_RULE_GT) && !(x > r->low)) return 1;
    if ((r->flags & HL_RULE_GE) && !(x >= r->low)) return 1;
    if ((r->flags & HL_RULE_LT) && !(x < r->high)) return 1;
    if ((r->flags & HL_RULE_LE) && !(x <= r->high)) return 1;
    return 0;
}

/* The rules between values, in LawConfig's order (CROSS_RULES): the field blamed, or -1. */
static int32_t cross_rule_broken(const double *v)
{
    double gate_decel = (v[HL_PARAM_gate_speed_mps] * v[HL_PARAM_gate_speed_mps]
                         - v[HL_PARAM_sky_crane_speed_mps] * v[HL_PARAM_sky_crane_speed_mps])
                        / (2.0 * (v[HL_PARAM_gate_altitude_m] - v[HL_PARAM_sky_crane_altitude_m]));
    if (!(v[HL_PARAM_tgo_switch_s] < v[HL_PARAM_tgo_freeze_s])) return HL_PARAM_tgo_switch_s;
    if (!(v[HL_PARAM_throttle_max] > v[HL_PARAM_throttle_min])) return HL_PARAM_throttle_max;
    if (v[HL_PARAM_guidance] == (double)HL_GUIDANCE_CONVEX
        && !(v[HL_PARAM_plan_throttle_max] * v[HL_PARAM_throttle_max] > v[HL_PARAM_throttle_min])) {
        return HL_PARAM_plan_throttle_max;
    }
    if (!(v[HL_PARAM_tgo_min_s] < v[HL_PARAM_tgo_max_s])) return HL_PARAM_tgo_min_s;
    if (!(v[HL_PARAM_sky_crane_altitude_m] < v[HL_PARAM_gate_altitude_m])) return HL_PARAM_sky_crane_altitude_m;
    if (!(v[HL_PARAM_sky_crane_speed_mps] < v[HL_PARAM_gate_speed_mps])) return HL_PARAM_sky_crane_speed_mps;
    if (!(v[HL_PARAM_final_decel_mps2] <= HL_DECEL_MAX_OVER_GATE * gate_decel)) return HL_PARAM_final_decel_mps2;
    return HL_PARAMS_OK;
}

int32_t hl_params_check(const double *v)
{
    int32_t i;
    for (i = 0; i < (int32_t)HL_PARAM_COUNT; i++) {
        if (value_breaks(&hl_param_rules[i], v[i])) return i;
    }
    return cross_rule_broken(v);
}
