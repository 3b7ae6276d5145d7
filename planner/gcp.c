/*
 * gcp.c - Compute Engine REST calls.  See gcp.h.
 *
 * Owned by the migration work.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gcp.h"
#include "log.h"

#define ATTEMPT_MS	60000L	/* one ordinary call */
/* operations.wait holds up to 2 minutes; an attempt may take longer. */
#define WAIT_ATTEMPT_MS	150000L
#define WAIT_MIN_MS	1000	/* pause when a wait returns early */

struct gcp_client {
	char endpoint[512];	/* without a trailing '/' */
	struct ghttp *http;
	struct gauth *auth;
	struct ghttp_auth iface;
	FILE *dry;
};

/* A client for ENDPOINT (checked: https or loopback http); it borrows
 * HTTP and AUTH.  DRY turns on the dry run (gcp.h). */
enum perr_code
gcp_open(struct gcp_client **cp, const char *endpoint, struct ghttp *http,
	 struct gauth *auth, FILE *dry, struct perr *e)
{
	struct gcp_client *c;
	size_t n;

	if (endpoint == NULL)
		endpoint = GCP_DEFAULT_ENDPOINT;
	if (ghttp_check_url(endpoint, "--api-endpoint", e))
		return e->code;
	if (strlen(endpoint) >= sizeof(c->endpoint) - 1)
		return perr_set(e, P_EUSAGE, "--api-endpoint: too long");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	snprintf(c->endpoint, sizeof(c->endpoint), "%s", endpoint);
	n = strlen(c->endpoint);
	while (n > 0 && c->endpoint[n - 1] == '/')
		c->endpoint[--n] = '\0';
	c->http = http;
	c->auth = auth;
	if (auth)
		c->iface = gauth_interface(auth);
	c->dry = dry;
	*cp = c;
	return P_OK;
}

/* Free C (NULL is fine); what it borrowed stays. */
void
gcp_close(struct gcp_client *c)
{
	free(c);
}

/* Whether S may go into a request path as it is (gcp.h). */
int
gcp_valid_name(const char *s, int project)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > (project ? 100 : GCP_NAME_MAX))
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		      isdigit((unsigned char)s[i]) || s[i] == '-' ||
		      (project && (s[i] == '.' || s[i] == ':'))))
			return 0;
	return 1;
}

/* ---- errors ---------------------------------------------------------- */

static void
copy_str(char *dst, size_t n, const cJSON *v)
{
	snprintf(dst, n, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* "Quota 'CPUS' exceeded. Limit: 24.0 in region us-west1." */
static void
quota_from_message(struct gcp_error *ge)
{
	const char *p = strstr(ge->message, "Quota '");
	size_t n;

	if (ge->quota_metric[0] == '\0' && p) {
		p += 7;
		n = strcspn(p, "'");
		if (p[n] == '\'' && n < sizeof(ge->quota_metric))
			snprintf(ge->quota_metric, sizeof(ge->quota_metric),
				 "%.*s", (int)n, p);
	}
	n = strlen(ge->quota_metric);
	if (strstr(ge->message, "globally") ||
	    (n > 12 && strcmp(ge->quota_metric + n - 12, "_ALL_REGIONS") ==
	     0))
		ge->quota_global = 1;
}

/* errorDetails[].quotaInfo.metricName, when the API gives it. */
static void
quota_from_details(struct gcp_error *ge, const cJSON *err)
{
	const cJSON *d, *qi, *dims;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(err,
	    "errorDetails")) {
		qi = cJSON_GetObjectItemCaseSensitive(d, "quotaInfo");
		if (qi == NULL)
			continue;
		copy_str(ge->quota_metric, sizeof(ge->quota_metric),
			 cJSON_GetObjectItemCaseSensitive(qi, "metricName"));
		dims = cJSON_GetObjectItemCaseSensitive(qi, "dimensions");
		if (cJSON_IsObject(dims) &&
		    !cJSON_GetObjectItemCaseSensitive(dims, "region"))
			ge->quota_global = 1;
	}
}

/* GE from a standard Google error body; a body that is not JSON
 * leaves only the HTTP status. */
void
gcp_error_from_body(struct gcp_error *ge, long http, const char *body)
{
	cJSON *root = body ? cJSON_Parse(body) : NULL;
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *first = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(err, "errors"), 0);

	memset(ge, 0, sizeof(*ge));
	ge->http = http;
	copy_str(ge->code, sizeof(ge->code),
		 cJSON_GetObjectItemCaseSensitive(first, "reason"));
	if (ge->code[0] == '\0')
		copy_str(ge->code, sizeof(ge->code),
			 cJSON_GetObjectItemCaseSensitive(err, "status"));
	copy_str(ge->message, sizeof(ge->message),
		 cJSON_GetObjectItemCaseSensitive(first, "message"));
	if (ge->message[0] == '\0')
		copy_str(ge->message, sizeof(ge->message),
			 cJSON_GetObjectItemCaseSensitive(err, "message"));
	quota_from_details(ge, first);
	quota_from_message(ge);
	cJSON_Delete(root);
}

/* GE from an Operation's "error": its first errors[] entry. */
void
gcp_error_from_op(struct gcp_error *ge, const cJSON *error)
{
	const cJSON *first = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(error, "errors"), 0);

	memset(ge, 0, sizeof(*ge));
	copy_str(ge->code, sizeof(ge->code),
		 cJSON_GetObjectItemCaseSensitive(first, "code"));
	copy_str(ge->message, sizeof(ge->message),
		 cJSON_GetObjectItemCaseSensitive(first, "message"));
	if (ge->code[0] == '\0')
		snprintf(ge->code, sizeof(ge->code), "UNKNOWN");
	quota_from_details(ge, first);
	quota_from_message(ge);
}

static int
code_in(const char *code, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(code, *list) == 0)
			return 1;
	return 0;
}

/* Codes from shared/reference/gcp_api.md section 3 (SkyPilot's failover
 * handler and Google's resource-error page). */
enum gcp_err_class
gcp_classify(const struct gcp_error *ge)
{
	static const char *const zone[] = {
		"ZONE_RESOURCE_POOL_EXHAUSTED",
		"ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS",
		"RESOURCE_POOL_EXHAUSTED", "GPU_STOCKOUT",
		"UNSUPPORTED_OPERATION", "RESOURCE_OPERATION_RATE_EXCEEDED",
		"RESOURCE_NOT_READY", NULL
	};
	static const char *const region[] = {
		"REGION_RESOURCE_POOL_EXHAUSTED", "SUBNET_NOT_FOUND_FOR_VPC",
		NULL
	};
	/* Wrong wherever it is sent.  A 400 "invalid" is not here: a
	 * machine type missing from one zone says so, and another zone
	 * may take the VM. */
	static const char *const config[] = {
		"RESOURCE_NOT_FOUND", "VPC_NOT_FOUND", "IAM_PERMISSION_DENIED",
		"forbidden", "PERMISSION_DENIED", NULL
	};

	if (ge->http == 0 && ge->code[0] == '\0')
		return GCP_ERR_TRANSIENT;
	if (ge->http == 429 || ge->http >= 500)
		return GCP_ERR_TRANSIENT;
	if (strcasecmp(ge->code, "QUOTA_EXCEEDED") == 0 ||
	    strcasecmp(ge->code, "quotaExceeded") == 0)
		return ge->quota_global ? GCP_ERR_PROJECT : GCP_ERR_REGION;
	if (code_in(ge->code, zone))
		return GCP_ERR_ZONE;
	if (code_in(ge->code, region))
		return GCP_ERR_REGION;
	if (strstr(ge->message, "is not found or access is unauthorized"))
		return GCP_ERR_ZONE;	/* a zone the project cannot use */
	if (code_in(ge->code, config))
		return GCP_ERR_CONFIG;
	return GCP_ERR_UNKNOWN;
}

/* The class as the journal writes it. */
const char *
gcp_err_class_name(enum gcp_err_class c)
{
	static const char *const names[] = {
		"none", "zone", "region", "project", "config", "transient",
		"unknown"
	};

	return names[c];
}

/* ---- resources -------------------------------------------------------- */

static const char *
last_part(const char *url)
{
	const char *s = url ? strrchr(url, '/') : NULL;

	return s ? s + 1 : url ? url : "";
}

/* OP from an Operation resource: name, scope, DONE, and its error. */
void
gcp_op_parse(const cJSON *o, struct gcp_op *op)
{
	const cJSON *z = cJSON_GetObjectItemCaseSensitive(o, "zone");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "region");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "error");

	memset(op, 0, sizeof(*op));
	copy_str(op->name, sizeof(op->name),
		 cJSON_GetObjectItemCaseSensitive(o, "name"));
	if (cJSON_IsString(z))
		snprintf(op->scope, sizeof(op->scope), "zones/%s",
			 last_part(z->valuestring));
	else if (cJSON_IsString(r))
		snprintf(op->scope, sizeof(op->scope), "regions/%s",
			 last_part(r->valuestring));
	else
		snprintf(op->scope, sizeof(op->scope), "global");
	op->done = cJSON_IsString(st) && strcmp(st->valuestring, "DONE") == 0;
	if (op->done && cJSON_IsObject(err)) {
		op->failed = 1;
		gcp_error_from_op(&op->err, err);
	}
}

static void
parse_network(const cJSON *o, struct gcp_instance *i)
{
	const cJSON *ni = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(o, "networkInterfaces"), 0);
	const cJSON *ac = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(ni, "accessConfigs"), 0);

	copy_str(i->network, sizeof(i->network),
		 cJSON_GetObjectItemCaseSensitive(ni, "network"));
	copy_str(i->network_ip, sizeof(i->network_ip),
		 cJSON_GetObjectItemCaseSensitive(ni, "networkIP"));
	i->has_nat = ac != NULL;
	copy_str(i->nat_ip, sizeof(i->nat_ip),
		 cJSON_GetObjectItemCaseSensitive(ac, "natIP"));
}

/* I from an Instance resource; I owns a copy of the labels, released
 * by gcp_instance_release() even on failure. */
enum perr_code
gcp_instance_parse(const cJSON *o, struct gcp_instance *i, struct perr *e)
{
	const cJSON *v, *d;

	memset(i, 0, sizeof(*i));
	copy_str(i->name, sizeof(i->name),
		 cJSON_GetObjectItemCaseSensitive(o, "name"));
	copy_str(i->status, sizeof(i->status),
		 cJSON_GetObjectItemCaseSensitive(o, "status"));
	copy_str(i->label_fp, sizeof(i->label_fp),
		 cJSON_GetObjectItemCaseSensitive(o, "labelFingerprint"));
	v = cJSON_GetObjectItemCaseSensitive(o, "zone");
	snprintf(i->zone, sizeof(i->zone), "%s",
		 last_part(cJSON_IsString(v) ? v->valuestring : NULL));
	v = cJSON_GetObjectItemCaseSensitive(o, "machineType");
	snprintf(i->machine_type, sizeof(i->machine_type), "%s",
		 last_part(cJSON_IsString(v) ? v->valuestring : NULL));
	parse_network(o, i);
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "disks")) {
		v = cJSON_GetObjectItemCaseSensitive(d, "type");
		if (cJSON_IsString(v) && strcmp(v->valuestring, "SCRATCH") == 0)
			i->local_ssd = 1;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "labels");
	i->labels = cJSON_IsObject(v) ? cJSON_Duplicate(v, 1) :
	    cJSON_CreateObject();
	if (i->labels == NULL || i->name[0] == '\0')
		return perr_set(e, i->labels ? P_EPARSE : P_ENOMEM,
				"%s", i->labels ? "instance without a name" :
				"out of memory");
	return P_OK;
}

/* Free the labels I owns. */
void
gcp_instance_release(struct gcp_instance *i)
{
	cJSON_Delete(i->labels);
	i->labels = NULL;
}

/* ---- calls ------------------------------------------------------------- */

/* "/compute/v1/projects/PROJECT/" followed by FMT into BUF. */
static void
mkpath(char *buf, size_t n, const char *project, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
mkpath(char *buf, size_t n, const char *project, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(buf, n, "/compute/v1/projects/%s/", project);

	va_start(ap, fmt);
	if (k > 0 && (size_t)k < n)
		vsnprintf(buf + k, n - (size_t)k, fmt, ap);
	va_end(ap);
}

/* The operation a dry-run write "returns": PENDING (so the wait that
 * would follow is printed too), in the zone named by PATH if any; the
 * wait on it "returns" it DONE. */
static cJSON *
dry_op(const char *path)
{
	cJSON *o = cJSON_CreateObject();
	const char *z = strstr(path, "/zones/");
	char zone[128];

	if (z && strchr(path, '?') && z > strchr(path, '?'))
		z = NULL;	/* in the query, not the path */
	cJSON_AddStringToObject(o, "kind", "compute#operation");
	cJSON_AddStringToObject(o, "name", GCP_DRY_RUN_OP);
	cJSON_AddStringToObject(o, "status", strstr(path, "/operations/") ?
				"DONE" : "PENDING");
	if (z && strstr(path, "/operations/") == NULL) {
		snprintf(zone, sizeof(zone), "%.*s", (int)strcspn(z + 7, "/?"),
			 z + 7);
		cJSON_AddStringToObject(o, "zone", zone);
	}
	return o;
}

/* One API call: METHOD PATH (with its query) and BODY (may be NULL).
 * On a 2xx answer, *OUT is the parsed body (caller deletes). */
static enum perr_code
call(struct gcp_client *c, const char *method, const char *path,
     const cJSON *body, int64_t deadline_ms, long attempt_ms, cJSON **out,
     struct gcp_error *ge, struct perr *e)
{
	char url[2048];
	char *text = NULL;
	struct ghttp_req rq = { method, url, NULL, NULL, NULL, attempt_ms };
	struct ghttp_resp rs;
	enum perr_code rc;

	memset(ge, 0, sizeof(*ge));
	*out = NULL;
	if (c->dry) {
		fprintf(c->dry, "%s %s\n", method, path);
		fflush(c->dry);
		if (strcmp(method, "GET") != 0)
			return (*out = dry_op(path)) ? P_OK :
			    perr_set(e, P_ENOMEM, "out of memory");
	}
	snprintf(url, sizeof(url), "%s%s", c->endpoint, path);
	if (body && (text = cJSON_PrintUnformatted(body)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	rq.body = text;
	rq.auth = c->auth ? &c->iface : NULL;
	rc = ghttp_send(c->http, &rq, deadline_ms, &rs, e);
	free(text);
	if (rc == P_ESTOPPED || rc == P_ENOMEM || rs.status == 0) {
		ghttp_resp_release(&rs);
		return rc ? rc : perr_set(e, P_EHTTP, "%s %s: no answer",
					  method, path);
	}
	if (rs.status >= 200 && rs.status < 300) {
		*out = cJSON_Parse(rs.body ? rs.body : "{}");
		rc = *out ? P_OK : perr_set(e, P_EHTTP, "%s %s: the answer "
					    "is not JSON", method, path);
	} else {
		gcp_error_from_body(ge, rs.status, rs.body);
		rc = perr_set(e, P_EHTTP, "%s %s: HTTP %ld %s: %s", method,
			      path, rs.status, ge->code, ge->message);
	}
	ghttp_resp_release(&rs);
	return rc;
}

static enum perr_code
bad_name(const char *what, const char *s, struct perr *e)
{
	return perr_set(e, P_EUSAGE, "%s '%s': not a valid GCP name", what,
			s ? s : "");
}

#define CHECK_NAMES(project, zone, name)				\
	do {								\
		if (!gcp_valid_name(project, 1))			\
			return bad_name("project", project, e);		\
		if (zone && !gcp_valid_name(zone, 0))			\
			return bad_name("zone", zone, e);		\
		if (name && !gcp_valid_name(name, 0))			\
			return bad_name("name", name, e);		\
	} while (0)

/* A call that answers with an Operation. */
static enum perr_code
op_call(struct gcp_client *c, const char *method, const char *path,
	const cJSON *body, int64_t deadline_ms, struct gcp_op *op,
	struct gcp_error *ge, struct perr *e)
{
	cJSON *o;

	memset(op, 0, sizeof(*op));
	if (call(c, method, path, body, deadline_ms, ATTEMPT_MS, &o, ge, e))
		return e->code;
	gcp_op_parse(o, op);
	cJSON_Delete(o);
	if (op->name[0] == '\0')
		return perr_set(e, P_EHTTP, "%s %s: the answer is not an "
				"operation", method, path);
	return P_OK;
}

/* GET the instance; a 404 is P_OK with *FOUND = 0. */
enum perr_code
gcp_instance_get(struct gcp_client *c, const char *project,
		 const char *zone, const char *name, int64_t deadline_ms,
		 struct gcp_instance *out, int *found, struct gcp_error *ge,
		 struct perr *e)
{
	char path[1024];
	cJSON *o;
	enum perr_code rc;

	CHECK_NAMES(project, zone, name);
	memset(out, 0, sizeof(*out));
	*found = 0;
	mkpath(path, sizeof(path), project, "zones/%s/instances/%s", zone,
	       name);
	if (call(c, "GET", path, NULL, deadline_ms, ATTEMPT_MS, &o, ge, e))
		return ge->http == 404 ? P_OK : e->code;
	rc = gcp_instance_parse(o, out, e);
	cJSON_Delete(o);
	if (rc != P_OK)
		gcp_instance_release(out);
	*found = rc == P_OK;
	return rc;
}

/* POST the instance BODY into ZONE with REQUEST_ID; OP is the answer. */
enum perr_code
gcp_instance_insert(struct gcp_client *c, const char *project,
		    const char *zone, const cJSON *body,
		    const char *request_id, int64_t deadline_ms,
		    struct gcp_op *op, struct gcp_error *ge, struct perr *e)
{
	char path[1024];

	CHECK_NAMES(project, zone, NULL);
	mkpath(path, sizeof(path), project, "zones/%s/instances?requestId=%s",
	       zone, request_id);
	return op_call(c, "POST", path, body, deadline_ms, op, ge, e);
}

/* POST stop with REQUEST_ID (discarding local SSDs when asked). */
enum perr_code
gcp_instance_stop(struct gcp_client *c, const char *project,
		  const char *zone, const char *name, int discard_local_ssd,
		  const char *request_id, int64_t deadline_ms,
		  struct gcp_op *op, struct gcp_error *ge, struct perr *e)
{
	char path[1024];

	CHECK_NAMES(project, zone, name);
	mkpath(path, sizeof(path), project,
	       "zones/%s/instances/%s/stop?requestId=%s%s", zone, name,
	       request_id, discard_local_ssd ? "&discardLocalSsd=true" : "");
	return op_call(c, "POST", path, NULL, deadline_ms, op, ge, e);
}

/* DELETE the instance with REQUEST_ID. */
enum perr_code
gcp_instance_delete(struct gcp_client *c, const char *project,
		    const char *zone, const char *name,
		    const char *request_id, int64_t deadline_ms,
		    struct gcp_op *op, struct gcp_error *ge, struct perr *e)
{
	char path[1024];

	CHECK_NAMES(project, zone, name);
	mkpath(path, sizeof(path), project, "zones/%s/instances/%s?"
	       "requestId=%s", zone, name, request_id);
	return op_call(c, "DELETE", path, NULL, deadline_ms, op, ge, e);
}

/* POST setLabels: LABELS replace all, guarded by FINGERPRINT. */
enum perr_code
gcp_instance_set_labels(struct gcp_client *c, const char *project,
			const char *zone, const char *name,
			const cJSON *labels, const char *fingerprint,
			const char *request_id, int64_t deadline_ms,
			struct gcp_op *op, struct gcp_error *ge,
			struct perr *e)
{
	char path[1024];
	cJSON *body = cJSON_CreateObject();
	enum perr_code rc;

	CHECK_NAMES(project, zone, name);
	if (body == NULL ||
	    !cJSON_AddItemToObject(body, "labels",
				   cJSON_Duplicate(labels, 1)) ||
	    !cJSON_AddStringToObject(body, "labelFingerprint", fingerprint)) {
		cJSON_Delete(body);
		return perr_set(e, P_ENOMEM, "out of memory");
	}
	mkpath(path, sizeof(path), project, "zones/%s/instances/%s/setLabels"
	       "?requestId=%s", zone, name, request_id);
	rc = op_call(c, "POST", path, body, deadline_ms, op, ge, e);
	cJSON_Delete(body);
	return rc;
}

/* GET the machine image: *FOUND and its STATUS; a 404 is P_OK. */
enum perr_code
gcp_image_get(struct gcp_client *c, const char *project, const char *name,
	      int64_t deadline_ms, char status[32], int *found,
	      struct gcp_error *ge, struct perr *e)
{
	char path[1024];
	cJSON *o;

	CHECK_NAMES(project, NULL, name);
	*found = 0;
	status[0] = '\0';
	mkpath(path, sizeof(path), project, "global/machineImages/%s", name);
	if (call(c, "GET", path, NULL, deadline_ms, ATTEMPT_MS, &o, ge, e))
		return ge->http == 404 ? P_OK : e->code;
	copy_str(status, 32, cJSON_GetObjectItemCaseSensitive(o, "status"));
	cJSON_Delete(o);
	*found = 1;
	return P_OK;
}

/* POST a machine image NAME of SRC_NAME in SRC_ZONE with REQUEST_ID. */
enum perr_code
gcp_image_insert(struct gcp_client *c, const char *project,
		 const char *name, const char *src_zone, const char *src_name,
		 const char *request_id, int64_t deadline_ms,
		 struct gcp_op *op, struct gcp_error *ge, struct perr *e)
{
	char path[1024];
	cJSON *body = cJSON_CreateObject();
	enum perr_code rc;

	CHECK_NAMES(project, src_zone, src_name);
	if (!gcp_valid_name(name, 0))
		return bad_name("machine image", name, e);
	if (body == NULL || !cJSON_AddStringToObject(body, "name", name)) {
		cJSON_Delete(body);
		return perr_set(e, P_ENOMEM, "out of memory");
	}
	mkpath(path, sizeof(path), project, "global/machineImages?requestId=%s"
	       "&sourceInstance=projects/%s/zones/%s/instances/%s",
	       request_id, project, src_zone, src_name);
	rc = op_call(c, "POST", path, body, deadline_ms, op, ge, e);
	cJSON_Delete(body);
	return rc;
}

/* Call the operation's wait method until DONE or DEADLINE_MS; pauses a
 * second between waits that return early.  Fills OP. */
enum perr_code
gcp_op_wait(struct gcp_client *c, const char *project, struct gcp_op *op,
	    int64_t deadline_ms, struct perr *e)
{
	char path[1024];
	struct gcp_error ge;
	cJSON *o;

	while (!op->done) {
		int64_t t0 = ghttp_now_ms();

		mkpath(path, sizeof(path), project, "%s/operations/%s/wait",
		       op->scope, op->name);
		if (call(c, "POST", path, NULL, deadline_ms, WAIT_ATTEMPT_MS,
			 &o, &ge, e))
			return e->code;
		gcp_op_parse(o, op);
		cJSON_Delete(o);
		if (op->done)
			break;
		if (ghttp_now_ms() >= deadline_ms)
			return perr_set(e, P_EHTTP, "operation %s not done "
					"before the step's deadline",
					op->name);
		if (ghttp_now_ms() - t0 < WAIT_MIN_MS &&
		    ghttp_sleep_ms(WAIT_MIN_MS))
			return perr_set(e, P_ESTOPPED, "stopped by a signal");
	}
	return P_OK;
}

static void
parse_quotas(const cJSON *o, struct gcp_region_info *out)
{
	const cJSON *q;

	copy_str(out->status, sizeof(out->status),
		 cJSON_GetObjectItemCaseSensitive(o, "status"));
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(o, "quotas")) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(q, "limit");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(q, "usage");
		struct gcp_quota *x;

		if (out->nq == GCP_MAX_QUOTAS || !cJSON_IsNumber(l))
			continue;
		x = &out->q[out->nq++];
		copy_str(x->metric, sizeof(x->metric),
			 cJSON_GetObjectItemCaseSensitive(q, "metric"));
		x->limit = l->valuedouble;
		x->usage = cJSON_IsNumber(u) ? u->valuedouble : 0;
	}
}

/* GET the region's status and quotas. */
enum perr_code
gcp_region_get(struct gcp_client *c, const char *project,
	       const char *region, int64_t deadline_ms,
	       struct gcp_region_info *out, struct gcp_error *ge,
	       struct perr *e)
{
	char path[1024];
	cJSON *o;

	CHECK_NAMES(project, region, NULL);
	memset(out, 0, sizeof(*out));
	mkpath(path, sizeof(path), project, "regions/%s?fields=status,quotas",
	       region);
	if (call(c, "GET", path, NULL, deadline_ms, ATTEMPT_MS, &o, ge, e))
		return e->code;
	parse_quotas(o, out);
	cJSON_Delete(o);
	return P_OK;
}

/* limit - usage of METRIC in R, or -1 when R does not list it. */
double
gcp_quota_room(const struct gcp_region_info *r, const char *metric)
{
	int i;

	for (i = 0; i < r->nq; i++)
		if (strcmp(r->q[i].metric, metric) == 0)
			return r->q[i].limit - r->q[i].usage;
	return -1;
}

/* Append the zones of one zones.list page to *V. */
static enum perr_code
add_zones(const cJSON *o, struct gcp_zone_status **v, size_t *n,
	  struct perr *e)
{
	const cJSON *z;

	cJSON_ArrayForEach(z, cJSON_GetObjectItemCaseSensitive(o, "items")) {
		struct gcp_zone_status *nv = realloc(*v, (*n + 1) *
						     sizeof(**v));

		if (nv == NULL)
			return perr_set(e, P_ENOMEM, "out of memory");
		*v = nv;
		copy_str(nv[*n].name, sizeof(nv[*n].name),
			 cJSON_GetObjectItemCaseSensitive(z, "name"));
		copy_str(nv[*n].status, sizeof(nv[*n].status),
			 cJSON_GetObjectItemCaseSensitive(z, "status"));
		(*n)++;
	}
	return P_OK;
}

/* The page token, made safe for a query string (base64url-ish text;
 * anything else is refused rather than escaped). */
static int
safe_token(const char *t)
{
	return t[strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
			"vwxyz0123456789-_.~")] == '\0';
}

/* Every page of zones.list into *V (caller frees), *N entries. */
enum perr_code
gcp_zones_list(struct gcp_client *c, const char *project,
	       int64_t deadline_ms, struct gcp_zone_status **v, size_t *n,
	       struct gcp_error *ge, struct perr *e)
{
	char path[1024], token[512] = "";
	cJSON *o;
	int pages = 0;

	CHECK_NAMES(project, NULL, NULL);
	*v = NULL;
	*n = 0;
	do {
		const cJSON *next;

		mkpath(path, sizeof(path), project, "zones?maxResults=500%s%s",
		       token[0] ? "&pageToken=" : "", token);
		if (call(c, "GET", path, NULL, deadline_ms, ATTEMPT_MS, &o, ge,
			 e) || add_zones(o, v, n, e)) {
			cJSON_Delete(o);
			return e->code;
		}
		next = cJSON_GetObjectItemCaseSensitive(o, "nextPageToken");
		copy_str(token, sizeof(token), next);
		cJSON_Delete(o);
		if (token[0] && !safe_token(token))
			return perr_set(e, P_EHTTP, "zones.list: unexpected "
					"page token");
	} while (token[0] && ++pages < 100);
	return P_OK;
}

/* vCPUs from a machine type's name.  Predefined types end in their vCPU
 * count (n2-highmem-4: 4); custom types name it after "custom"
 * (n2-custom-8-32768, custom-4-16384: 8, 4); the shared-core types
 * e2-micro, e2-small and e2-medium count 2 vCPUs against quota, f1-micro
 * and g1-small 1.  Types that end in a GPU count (a2-highgpu-1g) or
 * anything else give -1: the quota pre-check is then skipped and the
 * insert's own QUOTA_EXCEEDED decides. */
int
gcp_machine_vcpus(const char *mt)
{
	const char *p, *last;
	char *end;
	long v;

	if (mt == NULL || *mt == '\0')
		return -1;
	if ((p = strstr(mt, "custom-")) != NULL) {
		v = strtol(p + 7, &end, 10);
		return end > p + 7 && *end == '-' && v > 0 && v < 100000 ?
		    (int)v : -1;
	}
	if (strcmp(mt, "f1-micro") == 0 || strcmp(mt, "g1-small") == 0)
		return 1;
	if (strncmp(mt, "e2-", 3) == 0 && (strcmp(mt + 3, "micro") == 0 ||
	    strcmp(mt + 3, "small") == 0 || strcmp(mt + 3, "medium") == 0))
		return 2;
	last = strrchr(mt, '-');
	if (last == NULL || last[1] == '\0')
		return -1;
	v = strtol(last + 1, &end, 10);
	return *end == '\0' && v > 0 && v < 100000 ? (int)v : -1;
}
