/*
 * import_csvinv.c - the CSV forms of the two inventories.
 *
 * GCP: gcloud's csv printer, with a projection such as
 *   csv(name,zone.basename(),machineType.basename(),status,
 *       networkInterfaces[0].networkIP,
 *       networkInterfaces[0].accessConfigs[0].natIP,labels)
 * whose header holds the lowercased labels (name, zone, machine_type,
 * status, network_ip, nat_ip, labels) and whose labels cell is
 * "k=v;k=v".  The default projection's internal_ip and external_ip are
 * accepted too.  Only name and zone are required.
 *
 * Vast: a CSV with the JSON field names as header (id, geolocation,
 * actual_status, label, gpu_name, num_gpus, public_ipaddr, ssh_host,
 * ssh_port); only id is required.  In CSV an empty geolocation cannot be
 * told from a missing one: it is stored as an empty string.
 */
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "inventory.h"

static enum perr_code
field_error(struct import_ctx *c, const struct csvin *r, const char *col,
	    const char *want, struct perr *e)
{
	int i = csvin_col(r, col);
	struct csvin_field v = csvin_get(r, i);

	perr_set(e, P_EPARSE, "%s:%ld: field '%s': expected %s, found '%.40s'",
		 c->path, r->line, col, want, v.s);
	return import_reject(c, e);
}

/* An optional column's value, or NULL when absent or empty. */
static const char *
opt(const struct csvin *r, int i)
{
	struct csvin_field v = csvin_get(r, i);

	return v.n ? v.s : NULL;
}

/* A positive decimal integer, or 0. */
static long long
posint(const char *s)
{
	long long v = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000000000LL)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Run FN over every data record after the header, counting rows. */
typedef enum perr_code (*row_fn)(struct import_ctx *, struct csvin *,
				 sqlite3_stmt *, struct perr *);

static enum perr_code
each_row(struct import_ctx *c, struct csvin *r, sqlite3_stmt *st, row_fn fn,
	 struct perr *e)
{
	int got;

	while (csvin_next(r, &got, e) == P_OK && got) {
		if (csvin_is_header(r))
			continue;
		c->res->rows_read++;
		if (csvin_check_width(r, e)) {
			if (import_reject(c, e))
				return e->code;
			continue;
		}
		if (fn(c, r, st, e))
			return e->code;
	}
	return e->code;
}

static enum perr_code
duplicate(struct import_ctx *c, const struct csvin *r, const char *what,
	  struct perr *e)
{
	perr_set(e, P_EPARSE, "%s:%ld: %s appears twice", c->path, r->line,
		 what);
	return import_reject(c, e);
}

/* ---- Vast --------------------------------------------------------- */

static enum perr_code
vast_row(struct import_ctx *c, struct csvin *r, sqlite3_stmt *st,
	 struct perr *e)
{
	struct gpu_row g;
	char what[64];
	int rc;

	memset(&g, 0, sizeof(g));
	g.id = posint(csvin_get(r, csvin_col(r, "id")).s);
	if (g.id == 0)
		return field_error(c, r, "id", "a positive integer", e);
	g.loc_state = csvin_col(r, "geolocation") < 0 ? "missing" : "value";
	g.loc = csvin_col(r, "geolocation") < 0 ? NULL :
	    csvin_get(r, csvin_col(r, "geolocation")).s;
	g.status = opt(r, csvin_col(r, "actual_status"));
	g.label = opt(r, csvin_col(r, "label"));
	g.gpu_name = opt(r, csvin_col(r, "gpu_name"));
	g.num_gpus = posint(opt(r, csvin_col(r, "num_gpus")));
	g.ip = opt(r, csvin_col(r, "public_ipaddr"));
	g.ssh = opt(r, csvin_col(r, "ssh_host"));
	g.ssh_port = posint(opt(r, csvin_col(r, "ssh_port")));
	if ((rc = inv_insert_gpu(c, st, &g, e)) == 1) {
		snprintf(what, sizeof(what), "id %lld", g.id);
		return duplicate(c, r, what, e);
	}
	if (rc == P_OK)
		c->res->rows_new++;
	return rc;
}

enum perr_code
import_vast_instances_csv(struct import_ctx *c, FILE *f, struct perr *e)
{
	struct csvin r;
	sqlite3_stmt *st = NULL;
	int got, idx;
	enum perr_code rc;

	c->res->format = "vast-csv";
	if ((rc = csvin_open(&r, f, c->path, e)) == P_OK &&
	    (rc = csvin_next(&r, &got, e)) == P_OK && got &&
	    (rc = csvin_set_header(&r, e)) == P_OK &&
	    (rc = csvin_need(&r, "id", &idx, e)) == P_OK &&
	    (rc = inv_begin(c, "gpu", &st, e)) == P_OK)
		rc = each_row(c, &r, st, vast_row, e);
	sqlite3_finalize(st);
	csvin_close(&r);
	return rc;
}

/* ---- GCP ---------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "k=v;k=v" into sorted "k=v\n" lines in *OUT (the caller frees it);
 * the value of label KEY is copied into PAIR (size PN), "" if absent.
 * Returns -1 on an item without '=' or with an empty key. */
static int
parse_labels(const char *s, const char *key, char **out, char *pair,
	     size_t pn)
{
	char *copy = strdup(s), *items[256], *tok, *save = NULL, *p;
	size_t n = 0, i, klen = strlen(key);
	int bad = 0;

	*out = calloc(1, strlen(s) + 2);
	pair[0] = '\0';
	for (tok = copy && *out ? strtok_r(copy, ";", &save) : NULL;
	     tok && n < 256; tok = strtok_r(NULL, ";", &save)) {
		if (strchr(tok, '=') == NULL || *tok == '=')
			bad = 1;
		items[n++] = tok;
	}
	if (copy == NULL || *out == NULL || bad) {
		free(copy);
		return -1;
	}
	qsort(items, n, sizeof(*items), cmp_str);
	for (i = 0, p = *out; i < n; i++) {
		size_t len = strlen(items[i]);

		if (strncmp(items[i], key, klen) == 0 && items[i][klen] == '=')
			snprintf(pair, pn, "%s", items[i] + klen + 1);
		memcpy(p, items[i], len);
		p[len] = '\n';
		p += len + 1;
	}
	*p = '\0';
	free(copy);
	return 0;
}

static const char *
either(const struct csvin *r, const char *a, const char *b)
{
	int i = csvin_col(r, a);

	return opt(r, i >= 0 ? i : csvin_col(r, b));
}

static enum perr_code
gcp_row(struct import_ctx *c, struct csvin *r, sqlite3_stmt *st,
	struct perr *e)
{
	struct vm_row v;
	char zone[64], region[64], what[160], pair[128], *labels = NULL;
	const char *l;
	int rc;

	memset(&v, 0, sizeof(v));
	v.name = opt(r, csvin_col(r, "name"));
	if (v.name == NULL)
		return field_error(c, r, "name", "a VM name", e);
	if (opt(r, csvin_col(r, "zone")) == NULL ||
	    inv_zone_region(opt(r, csvin_col(r, "zone")), zone, sizeof(zone),
			    region, sizeof(region)))
		return field_error(c, r, "zone", "a zone such as "
				   "us-central1-a", e);
	v.zone = zone;
	v.region = region;
	v.id = opt(r, csvin_col(r, "id"));
	if (v.id && !inv_valid_id(v.id))
		return field_error(c, r, "id", "a 64-bit instance id as digits",
				   e);
	v.machine_type = opt(r, csvin_col(r, "machine_type"));
	v.status = opt(r, csvin_col(r, "status"));
	v.nip = either(r, "network_ip", "internal_ip");
	v.natip = either(r, "nat_ip", "external_ip");
	if ((l = opt(r, csvin_col(r, "labels"))) != NULL) {
		if (parse_labels(l, c->opts->pair_label_key, &labels, pair,
				 sizeof(pair))) {
			free(labels);
			return field_error(c, r, "labels", "k=v;k=v", e);
		}
		v.labels = labels;
		v.pair = pair[0] ? pair : NULL;
	}
	rc = inv_insert_vm(c, st, &v, e);
	free(labels);
	if (rc == 1) {
		snprintf(what, sizeof(what), "VM '%.60s' in %s", v.name, zone);
		return duplicate(c, r, what, e);
	}
	if (rc == P_OK)
		c->res->rows_new++;
	return rc;
}

enum perr_code
import_gcp_instances_csv(struct import_ctx *c, FILE *f, struct perr *e)
{
	struct csvin r;
	sqlite3_stmt *st = NULL;
	int got, idx;
	enum perr_code rc;

	c->res->format = "gcloud-csv";
	if ((rc = csvin_open(&r, f, c->path, e)) == P_OK &&
	    (rc = csvin_next(&r, &got, e)) == P_OK && got &&
	    (rc = csvin_set_header(&r, e)) == P_OK &&
	    (rc = csvin_need(&r, "name", &idx, e)) == P_OK &&
	    (rc = csvin_need(&r, "zone", &idx, e)) == P_OK &&
	    (rc = inv_begin(c, "vm", &st, e)) == P_OK)
		rc = each_row(c, &r, st, gcp_row, e);
	sqlite3_finalize(st);
	csvin_close(&r);
	return rc;
}
