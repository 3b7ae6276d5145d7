/*
 * ratecard.h - what a GiB of traffic costs, as a rate card file says.
 *
 * A rate card holds two price schedules, across regions and within one.
 * A schedule is flat (one price) or tiered: marginal tiers, each price
 * applying only to the GiB that fall inside its tier, as GCP bills them
 * (pitfall B05: applying a tier's price to the whole volume makes cost
 * fall when volume crosses a tier edge).  Every boundary and price
 * carries its unit in the file and is checked when read (pitfall B06).
 *
 * File format: lines of whitespace-separated fields, '#' comments:
 *
 *   KEY PRICE PRICE_UNIT [upto AMOUNT UNIT]
 *
 * KEY is cross_region or same_region; PRICE_UNIT is USD/GiB or USD/GB;
 * UNIT is GiB, TiB, PiB, GB, TB or PB.  Lines of one key list its tiers
 * in order, each "upto" beyond the last; a line without "upto" ends the
 * schedule (it runs to infinity), and every schedule must end so.  The
 * key assumed_egress_per_day VALUE GiB/day sets the volume planner
 * assumes for a pair with no billing data at all.
 */
#ifndef PLANNER_RATECARD_H
#define PLANNER_RATECARD_H

#include <stdint.h>

#include "err.h"

#define RATE_MAX_TIERS	16

struct rate_tier {
	int64_t upto_bytes;		/* INT64_MAX for the last tier */
	int64_t micro_per_gib;		/* USD micro-dollars per GiB */
};

struct rate_schedule {
	struct rate_tier t[RATE_MAX_TIERS];
	int n;
};

/* Read the rate card at PATH, or the built-in data/rate_card.tsv when
 * PATH is NULL, into CROSS, SAME and *PER_DAY (bytes per day). */
enum perr_code rate_card_read(const char *path, struct rate_schedule *cross,
			      struct rate_schedule *same, int64_t *per_day,
			      struct perr *e);

/* A flat schedule of one price. */
void rate_flat(struct rate_schedule *s, int64_t micro_per_gib);

/* The cost in micro-dollars of BYTES under S, walking the tiers; exact
 * until the one final rounding (half up).  Non-decreasing in BYTES. */
int64_t rate_cost(const struct rate_schedule *s, int64_t bytes);

#endif
