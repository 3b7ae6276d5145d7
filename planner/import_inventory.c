/*
 * import_inventory.c - the Vast.ai and GCP instance lists (JSON forms).
 *
 * An inventory is a snapshot: importing one replaces the previous
 * snapshot of the same kind inside the import's transaction, so a
 * re-import changes nothing and a vanished instance leaves the plan.
 *
 * The list is streamed element by element (jsonin.h), so a large
 * inventory does not have to fit in memory.
 *
 * Accepted shapes, detected from the content:
 *   Vast: the CLI's array, the page object {"instances": [...] | null},
 *         an empty object; old and new CLI rows alike.
 *   GCP:  gcloud's array of Instance resources, or the REST list object
 *         {"items": [...]}; zone and machineType as URLs or basenames.
 */
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "inventory.h"
#include "jsonin.h"

/* Where an element stands in its file, for messages. */
struct elem_at {
	size_t index;		/* from 0 */
	long line;
};

static enum perr_code
elem_error(struct import_ctx *c, struct elem_at at, struct perr *e,
	   const char *field, const char *want, const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);

	perr_set(e, P_EPARSE, "%s:%ld: element %zu: field '%s': expected "
		 "%s, found %s", c->path, at.line, at.index + 1, field, want,
		 json_type_name(v));
	return import_reject(c, e);
}

static enum perr_code
elem_not_object(struct import_ctx *c, struct elem_at at, const cJSON *o,
		struct perr *e)
{
	perr_set(e, P_EPARSE, "%s:%ld: element %zu: expected an instance "
		 "object, found %s", c->path, at.line, at.index + 1,
		 json_type_name(o));
	return import_reject(c, e);
}

/* What the element callbacks need besides the import. */
struct walk {
	struct import_ctx *c;
	sqlite3_stmt *st;
};

/* Walk the list of F with FN, into a fresh snapshot of TABLE. */
static enum perr_code
walk_list(struct import_ctx *c, FILE *f, const char *table,
	  const char *list_key, json_elem_fn fn, struct perr *e)
{
	struct walk w = { c, NULL };
	enum perr_code rc = inv_begin(c, table, &w.st, e);

	if (rc == P_OK)
		rc = json_each_element(f, c->path, list_key, fn, &w,
				       &c->res->note, e);
	sqlite3_finalize(w.st);
	return rc;
}

/* ---- Vast.ai ------------------------------------------------------ */

static const char *
bad_vast_field(const cJSON *o, struct gpu_row *r)
{
	int k;

	if (json_get_int(o, "id", &r->id) != 1 || r->id <= 0)
		return "id";
	k = json_get_string(o, "geolocation", &r->loc);
	if (k < 0)
		return "geolocation";
	r->loc_state = k ? "value" :
	    cJSON_GetObjectItemCaseSensitive(o, "geolocation") ? "null" :
	    "missing";
	if (json_get_string(o, "actual_status", &r->status) < 0)
		return "actual_status";
	if (json_get_string(o, "label", &r->label) < 0)
		return "label";
	if (json_get_string(o, "gpu_name", &r->gpu_name) < 0)
		return "gpu_name";
	if (json_get_string(o, "public_ipaddr", &r->ip) < 0)
		return "public_ipaddr";
	if (json_get_string(o, "ssh_host", &r->ssh) < 0)
		return "ssh_host";
	if (json_get_int(o, "ssh_port", &r->ssh_port) < 0)
		return "ssh_port";
	if (json_get_int(o, "num_gpus", &r->num_gpus) < 0)
		return "num_gpus";
	return NULL;
}

/* One element of the Vast list. */
static enum perr_code
vast_elem(void *ctx, const cJSON *o, size_t index, long line,
	  struct perr *e)
{
	struct walk *w = ctx;
	struct import_ctx *c = w->c;
	struct elem_at at = { index, line };
	struct gpu_row r;
	const char *bad;
	int rc;

	memset(&r, 0, sizeof(r));
	c->res->rows_read++;
	if (!cJSON_IsObject(o))
		return elem_not_object(c, at, o, e);
	if ((bad = bad_vast_field(o, &r)) != NULL)
		return elem_error(c, at, e, bad, strcmp(bad, "id") == 0 ?
				  "a positive integer" : "a value of the "
				  "documented type", o);
	if ((rc = inv_insert_gpu(c, w->st, &r, e)) == 1) {
		perr_set(e, P_EPARSE, "%s:%ld: element %zu: id %lld appears "
			 "twice", c->path, line, index + 1, r.id);
		return import_reject(c, e);
	}
	if (rc == P_OK)
		c->res->rows_new++;
	return rc;
}

static char
first_char(const char *head)
{
	const unsigned char *p = (const unsigned char *)head;

	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return (char)*p;
}

/* The inventory family: its JSON list, and its CSV form. */
struct family {
	const char *table, *list_key, *tool;
	json_elem_fn elem;
	enum perr_code (*csv)(struct import_ctx *, FILE *, struct perr *);
};

/* Empty (or blank) for real, as against text that starts with NUL. */
static int
blank_file(FILE *f)
{
	int ch;

	rewind(f);
	while ((ch = getc(f)) == ' ' || ch == '\t' || ch == '\r' ||
	       ch == '\n')
		;
	rewind(f);
	return ch == EOF;
}

/* JSON when it starts like JSON, else the CSV form. */
static enum perr_code
inventory(struct import_ctx *c, FILE *f, const char *head,
	  const struct family *k, struct perr *e)
{
	char ch = first_char(head);
	enum perr_code rc;

	if (ch == '[' || ch == '{')
		return walk_list(c, f, k->table, k->list_key, k->elem, e);
	if (ch == '\0')
		return perr_set(e, P_EPARSE, blank_file(f) ? "%s: the file is "
				"empty; expected the JSON of '%s'" : "%s: "
				"starts with a NUL byte; expected the JSON of "
				"'%s'", c->path, k->tool);
	if ((rc = k->csv(c, f, e)) == P_EPARSE && c->res->rows_read == 0)
		perr_prefix(e, "%s: neither the JSON of '%s' nor its CSV form",
			    c->path, k->tool);
	return rc;
}

enum perr_code
import_vast_instances(struct import_ctx *c, FILE *f, const char *head,
		      struct perr *e)
{
	static const struct family vast = {
		"gpu", "instances", "vastai show instances --raw", vast_elem,
		import_vast_instances_csv
	};

	c->res->format = "vast-json";
	return inventory(c, f, head, &vast, e);
}

/* ---- GCP ---------------------------------------------------------- */

struct gcp_row {
	struct vm_row v;	/* what is stored; points into the below */
	const char *zone_url, *mtype, *self;
	char zone[64], region[64], project[128], mt[128];
	char *labels;		/* canonical "k=v\n" lines; owned */
};

/* The project named in ".../projects/P/..." of URL, if any. */
static void
project_of(const char *url, char *out, size_t n)
{
	const char *p = url ? strstr(url, "projects/") : NULL;
	size_t k = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	for (p += 9; p[k] && p[k] != '/' && k + 1 < n; k++)
		out[k] = p[k];
	out[k] = '\0';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Labels as sorted "k=v" lines; returns NULL on a non-string value. */
static char *
canonical_labels(const cJSON *labels, const char *pair_key,
		 const char **pair, int *bad)
{
	const cJSON *l;
	char **lines = NULL, *out;
	size_t n = 0, total = 1, i;

	*bad = 0;
	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l)) {
			*bad = 1;
			continue;
		}
		if (strcmp(l->string, pair_key) == 0)
			*pair = l->valuestring;
		n++;
	}
	lines = calloc(n + 1, sizeof(*lines));
	i = 0;
	cJSON_ArrayForEach(l, labels) {
		size_t len;

		if (!cJSON_IsString(l) || lines == NULL)
			continue;
		len = strlen(l->string) + strlen(l->valuestring) + 3;
		if ((lines[i] = malloc(len)) != NULL)
			snprintf(lines[i++], len, "%s=%s\n", l->string,
				 l->valuestring);
		total += len;
	}
	if (lines == NULL)
		return NULL;
	qsort(lines, i, sizeof(*lines), cmp_str);
	out = calloc(1, total);
	for (n = 0; n < i; n++) {
		if (out)
			strcat(out, lines[n]);
		free(lines[n]);
	}
	free(lines);
	return out;
}

static void
gcp_network(const cJSON *o, struct vm_row *r)
{
	const cJSON *nic = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(o, "networkInterfaces"), 0);
	const cJSON *ac = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(nic, "accessConfigs"), 0);

	if (json_get_string(nic, "networkIP", &r->nip) < 0)
		r->nip = NULL;
	if (json_get_string(ac, "natIP", &r->natip) < 0)
		r->natip = NULL;
}

static int
gcp_local_ssd(const cJSON *o)
{
	const cJSON *d;
	const char *type;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "disks"))
		if (json_get_string(d, "type", &type) == 1 &&
		    strcmp(type, "SCRATCH") == 0)
			return 1;
	return 0;
}

static const char *
bad_gcp_field(const cJSON *o, struct gcp_row *r, const char *pair_key)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(o, "labels");
	struct vm_row *v = &r->v;
	int bad;

	if (json_get_string(o, "name", &v->name) != 1 || !*v->name)
		return "name";
	if (json_get_string(o, "zone", &r->zone_url) != 1 ||
	    inv_zone_region(r->zone_url, r->zone, sizeof(r->zone), r->region,
			    sizeof(r->region)))
		return "zone";
	v->zone = r->zone;
	v->region = r->region;
	if (cJSON_IsString(id) && inv_valid_id(id->valuestring))
		v->id = id->valuestring;
	else if (id && !cJSON_IsNull(id))
		return "id";
	if (json_get_string(o, "machineType", &r->mtype) < 0)
		return "machineType";
	if (r->mtype)
		inv_zone_region(r->mtype, r->mt, sizeof(r->mt), NULL, 0);
	v->machine_type = r->mtype ? r->mt : NULL;
	if (json_get_string(o, "status", &v->status) < 0)
		return "status";
	if (json_get_string(o, "selfLink", &r->self) < 0)
		return "selfLink";
	project_of(r->self ? r->self : r->zone_url, r->project,
		   sizeof(r->project));
	v->project = r->project[0] ? r->project : NULL;
	if (labels && !cJSON_IsNull(labels)) {
		if (!cJSON_IsObject(labels))
			return "labels";
		r->labels = canonical_labels(labels, pair_key, &v->pair, &bad);
		v->labels = r->labels;
		if (bad)
			return "labels";
	}
	gcp_network(o, v);
	v->local_ssd = gcp_local_ssd(o);
	return NULL;
}

/* What a bad field of a gcloud row should have been. */
static const char *
gcp_want(const char *field)
{
	if (strcmp(field, "zone") == 0)
		return "a zone name or URL";
	if (strcmp(field, "id") == 0)
		return "a 64-bit instance id as a string of digits";
	if (strcmp(field, "labels") == 0)
		return "an object of string values";
	if (strcmp(field, "name") == 0)
		return "a non-empty string";
	return "a string";
}

/* One element of the gcloud list. */
static enum perr_code
gcp_elem(void *ctx, const cJSON *o, size_t index, long line,
	 struct perr *e)
{
	struct walk *w = ctx;
	struct import_ctx *c = w->c;
	struct elem_at at = { index, line };
	struct gcp_row r;
	const char *bad;
	enum perr_code rc = P_OK;

	memset(&r, 0, sizeof(r));
	c->res->rows_read++;
	if (!cJSON_IsObject(o))
		return elem_not_object(c, at, o, e);
	bad = bad_gcp_field(o, &r, c->opts->pair_label_key);
	if (bad)
		rc = elem_error(c, at, e, bad, gcp_want(bad), o);
	else if ((rc = inv_insert_vm(c, w->st, &r.v, e)) == 1) {
		perr_set(e, P_EPARSE, "%s:%ld: element %zu: VM '%s' in %s "
			 "(id %s) appears twice: the same name and zone, or "
			 "the same instance id, as an earlier element",
			 c->path, line, index + 1, r.v.name, r.v.zone,
			 r.v.id ? r.v.id : "none");
		rc = import_reject(c, e);
	} else if (rc == P_OK)
		c->res->rows_new++;
	free(r.labels);
	return rc;
}

enum perr_code
import_gcp_instances(struct import_ctx *c, FILE *f, const char *head,
		     struct perr *e)
{
	static const struct family gcp = {
		"vm", "items", "gcloud compute instances list --format=json",
		gcp_elem, import_gcp_instances_csv
	};

	c->res->format = "gcloud-json";
	return inventory(c, f, head, &gcp, e);
}
