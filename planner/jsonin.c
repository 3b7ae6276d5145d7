/*
 * jsonin.c - JSON files with line numbers.  See jsonin.h.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "caps.h"
#include "utf8.h"

static enum perr_code
read_all(struct json_doc *d, FILE *f, const char *path, struct perr *e)
{
	size_t cap = 1 << 16, n;

	d->text = malloc(cap);
	if (d->text == NULL)
		return perr_set(e, P_ENOMEM, "%s: out of memory", path);
	while ((n = fread(d->text + d->len, 1, cap - d->len - 1, f)) > 0) {
		d->len += n;
		if (d->len + 1 < cap)
			continue;
		if (cap >= (size_t)LIM_JSON_FILE)
			return perr_set(e, P_ELIMIT, "%s: larger than the "
					"%ld MiB limit for JSON inputs", path,
					LIM_JSON_FILE >> 20);
		cap *= 2;
		char *t = realloc(d->text, cap);
		if (t == NULL)
			return perr_set(e, P_ENOMEM, "%s: out of memory", path);
		d->text = t;
	}
	if (ferror(f))
		return perr_set(e, P_EIO, "%s: read error", path);
	d->text[d->len] = '\0';
	return P_OK;
}

long
json_doc_line(const struct json_doc *d, size_t off)
{
	long line = 1;
	size_t i;

	for (i = 0; i < off && i < d->len; i++)
		if (d->text[i] == '\n')
			line++;
	return line;
}

static long
column_of(const struct json_doc *d, size_t off)
{
	size_t i = off;

	while (i > 0 && d->text[i - 1] != '\n')
		i--;
	return (long)(off - i) + 1;
}

long
json_doc_elem_line(const struct json_doc *d, size_t i)
{
	return i < d->nelem ? json_doc_line(d, d->elem_off[i]) : 0;
}

/* Skip a JSON string starting at the quote at P; returns past its end. */
static size_t
skip_string(const char *t, size_t len, size_t p)
{
	for (p++; p < len; p++) {
		if (t[p] == '\\')
			p++;
		else if (t[p] == '"')
			return p + 1;
	}
	return len;
}

/* Depth of the list whose elements we index: 1 for a top-level array,
 * 2 for the array under LIST_KEY of a top-level object. */
static int
record_elem(struct json_doc *d, size_t off)
{
	size_t *n = realloc(d->elem_off, (d->nelem + 1) * sizeof(*n));

	if (n == NULL)
		return -1;
	d->elem_off = n;
	d->elem_off[d->nelem++] = off;
	return 0;
}

/* Scan the text once, noting where each element of the list begins and
 * enforcing the nesting limit.  The text is known to parse. */
static enum perr_code
index_elements(struct json_doc *d, const char *path, int list_depth,
	       struct perr *e)
{
	const char *t = d->text;
	size_t p = 0;
	int depth = 0, want = 0;

	while (p < d->len) {
		char ch = t[p];

		if (want && ch != ' ' && ch != '\n' && ch != '\r' &&
		    ch != '\t' && ch != ']') {
			if (record_elem(d, p))
				return perr_set(e, P_ENOMEM, "out of memory");
			want = 0;
		}
		if (ch == '"') {
			p = skip_string(t, d->len, p);
			continue;
		}
		if (ch == '[' || ch == '{') {
			if (++depth > LIM_JSON_DEPTH)
				return perr_set(e, P_ELIMIT,
				    "%s:%ld:%ld: nesting deeper than %d levels",
				    path, json_doc_line(d, p), column_of(d, p),
				    LIM_JSON_DEPTH);
			want = ch == '[' && depth == list_depth;
		} else if (ch == ']' || ch == '}')
			depth--;
		else if (ch == ',' && depth == list_depth)
			want = 1;
		p++;
	}
	return P_OK;
}

static enum perr_code
parse_error(struct json_doc *d, const char *path, size_t off,
	    const char *what, struct perr *e)
{
	char found[24];
	size_t k;

	if (off >= d->len)
		return perr_set(e, P_EPARSE, "%s:%ld:%ld: %s: the file ends "
				"early (truncated?)", path,
				json_doc_line(d, off), column_of(d, off), what);
	for (k = 0; k + 1 < sizeof(found) && off + k < d->len &&
	     d->text[off + k] != '\n'; k++)
		found[k] = d->text[off + k];
	found[k] = '\0';
	return perr_set(e, P_EPARSE, "%s:%ld:%ld: %s, found '%s'", path,
			json_doc_line(d, off), column_of(d, off), what, found);
}

enum perr_code
json_doc_load(struct json_doc *d, FILE *f, const char *path,
	      const char *list_key, struct perr *e)
{
	const char *end = NULL;
	size_t bad, off;

	memset(d, 0, sizeof(*d));
	if (read_all(d, f, path, e))
		return e->code;
	if ((bad = utf8_invalid_at(d->text, d->len)) != (size_t)-1)
		return perr_set(e, P_EPARSE, "%s:%ld: invalid UTF-8 at byte "
				"offset %zu", path, json_doc_line(d, bad), bad);
	if (index_elements(d, path, 1, e))
		return e->code;
	d->root = cJSON_ParseWithLengthOpts(d->text, d->len, &end, 0);
	if (d->root == NULL) {
		const char *at = cJSON_GetErrorPtr();

		off = at && at >= d->text ? (size_t)(at - d->text) : d->len;
		return parse_error(d, path, off, "expected a JSON value", e);
	}
	off = (size_t)(end - d->text);
	while (off < d->len && strchr(" \t\r\n", d->text[off]))
		off++;
	if (off < d->len)
		return parse_error(d, path, off, "unexpected data after the "
				   "JSON document", e);
	if (cJSON_IsObject(d->root) && list_key) {
		d->nelem = 0;
		if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d->root,
								   list_key)))
			return index_elements(d, path, 2, e);
	}
	return P_OK;
}

void
json_doc_release(struct json_doc *d)
{
	cJSON_Delete(d->root);
	free(d->text);
	free(d->elem_off);
	memset(d, 0, sizeof(*d));
}

const char *
json_type_name(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		return "null";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsArray(v))
		return "array";
	return "object";
}

int
json_get_string(const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = v->valuestring;
	return 1;
}

int
json_get_int(const cJSON *o, const char *key, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double x;

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return -1;
	x = v->valuedouble;
	/* Integers only, and only those a double holds exactly: 2^53
	 * itself may be 2^53 + 1 rounded, so it is out too. */
	if (x != x || x <= -9007199254740992.0 || x >= 9007199254740992.0 ||
	    x != (double)(long long)x)
		return -1;
	*out = (long long)x;
	return 1;
}
