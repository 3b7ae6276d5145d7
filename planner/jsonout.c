/*
 * jsonout.c - exact figures in JSON output.  See jsonout.h.
 */
#include "jsonout.h"
#include "money.h"

void
jout_dec(cJSON *o, const char *key, int64_t v, int scale, int valid)
{
	char buf[40];

	if (valid)
		cJSON_AddRawToObject(o, key, dec_format(v, scale, buf,
							  sizeof(buf)));
	else
		cJSON_AddNullToObject(o, key);
}

void
jout_usd(cJSON *o, const char *key, int64_t micro, int valid)
{
	jout_dec(o, key, dec_rescale(micro, 6, 2), 2, valid);
}

void
jout_gib(cJSON *o, const char *key, int64_t bytes, int valid)
{
	jout_dec(o, key, bytes_to_milli_gib(bytes), 3, valid);
}

void
jout_rate(cJSON *o, const char *key, int64_t micro)
{
	char buf[40];

	cJSON_AddRawToObject(o, key,
			     dec_trim(dec_format(micro, 6, buf, sizeof(buf))));
}

void
jout_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}
