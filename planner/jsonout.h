/*
 * jsonout.h - numbers and strings into cJSON output, exactly.
 *
 * cJSON prints numbers through a double; money and data volumes must
 * print as the exact decimals planner computed.  These helpers add them
 * as raw JSON text made by money.h, and write null where a figure does
 * not exist.  Shared by the plan JSON and the report's JSON.
 */
#ifndef PLANNER_JSONOUT_H
#define PLANNER_JSONOUT_H

#include <stdint.h>

#include <cjson/cJSON.h>

/* V, a count of 10^-SCALE units, as a decimal ("12.300"); null unless
 * VALID. */
void jout_dec(cJSON *o, const char *key, int64_t v, int scale, int valid);

/* Micro-dollars rounded to cents ("156.28"); null unless VALID. */
void jout_usd(cJSON *o, const char *key, int64_t micro, int valid);

/* Bytes as GiB with three decimals; null unless VALID. */
void jout_gib(cJSON *o, const char *key, int64_t bytes, int valid);

/* A price in micro-dollars with only the decimals it needs ("0.01"). */
void jout_rate(cJSON *o, const char *key, int64_t micro);

/* A string, or null when V is NULL. */
void jout_str(cJSON *o, const char *key, const char *v);

#endif
