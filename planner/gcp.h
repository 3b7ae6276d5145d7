/*
 * gcp.h - the Compute Engine REST client: the only module that talks
 * HTTP to GCP.
 *
 * Requests go to ENDPOINT/compute/v1/projects/PROJECT/... (ENDPOINT is
 * https://compute.googleapis.com unless --api-endpoint says otherwise)
 * through ghttp.h, so they are retried on 429, 5xx and timeouts until
 * the caller's deadline.  Mutating calls take a request id (reqid.h):
 * the server ignores a repeated one, so a retry never acts twice.
 *
 * Results come in two kinds.  A call returns P_OK when the API answered
 * 2xx.  When the API refused (4xx, or a 429/5xx that outlasted the
 * deadline) it returns P_EHTTP and fills a struct gcp_error, which
 * gcp_classify() turns into what the caller should do (skip the zone,
 * the region, stop the wave...).  A call that got no answer at all also
 * returns P_EHTTP, with gcp_error.http == 0.  Operations (instance
 * insert, stop, delete, setLabels, machine images) are awaited with
 * gcp_op_wait(); a DONE operation with an error fills op->err.
 *
 * Dry run: with a FILE given to gcp_open(), every call is printed there
 * as "METHOD /compute/v1/...?query" in order; reads (GET) are also sent,
 * writes are not (they return a DONE operation named DRY_RUN_OP).
 *
 * Ownership: struct gcp_client borrows its ghttp and gauth; a struct
 * gcp_instance owns its labels (gcp_instance_release).  Never prints
 * except the dry-run lines and through log.h.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_GCP_H
#define PLANNER_GCP_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "gauth.h"
#include "ghttp.h"

#define GCP_DEFAULT_ENDPOINT	"https://compute.googleapis.com"
#define GCP_DRY_RUN_OP		"operation-dry-run"
#define GCP_NAME_MAX		63	/* RFC 1035 label: VMs, images */

/* What the API said when it refused or an operation failed. */
struct gcp_error {
	long http;		/* the HTTP status; 0 for an operation error
				   or when no answer came */
	char code[80];		/* errors[0].reason or .code */
	char message[512];
	char quota_metric[64];	/* "CPUS", "GPUS_ALL_REGIONS"; or "" */
	int quota_global;	/* the quota spans all regions */
};

/* What to do about an error (B08 in shared/cases/pitfalls.md). */
enum gcp_err_class {
	GCP_ERR_NONE = 0,
	GCP_ERR_ZONE,		/* no capacity here: try the next zone */
	GCP_ERR_REGION,		/* a regional quota: the next region */
	GCP_ERR_PROJECT,	/* a project-wide quota: stop the wave */
	GCP_ERR_CONFIG,		/* the request is wrong: give up the VM */
	GCP_ERR_TRANSIENT,	/* no verdict (no answer, 429, 5xx) */
	GCP_ERR_UNKNOWN		/* unknown code: skip the zone, log it */
};

struct gcp_op {
	char name[128];
	char scope[96];		/* "zones/Z", "regions/R" or "global" */
	int done;
	int failed;		/* DONE with an error, described in err */
	struct gcp_error err;
};

struct gcp_instance {
	char name[64], zone[64], status[32];
	char machine_type[96];	/* the last part of the URL */
	char network[512];	/* networkInterfaces[0].network */
	char network_ip[64];	/* networkInterfaces[0].networkIP */
	char nat_ip[64];	/* ....accessConfigs[0].natIP, or "" */
	int has_nat;		/* an access config exists */
	int local_ssd;		/* a disk of type SCRATCH */
	char label_fp[64];	/* labelFingerprint, for setLabels */
	cJSON *labels;		/* an object, owned; set by a get */
};

struct gcp_quota {
	char metric[64];
	double limit, usage;
};

#define GCP_MAX_QUOTAS	128

struct gcp_region_info {
	char status[16];	/* "UP", "DOWN" */
	struct gcp_quota q[GCP_MAX_QUOTAS];
	int nq;
};

struct gcp_zone_status {
	char name[48];
	char status[16];	/* "UP", "DOWN" */
};

struct gcp_client;

/* A client for ENDPOINT (NULL: the default), checked by
 * ghttp_check_url().  DRY (may be NULL) turns on the dry run. */
enum perr_code gcp_open(struct gcp_client **c, const char *endpoint,
			struct ghttp *http, struct gauth *auth, FILE *dry,
			struct perr *e);
void gcp_close(struct gcp_client *c);

/* Whether S is a valid resource name part (project id, zone, VM or
 * image name): lowercase letters, digits, '-' (and '.' ':' for project
 * ids), 1..63 characters, so it can go into a path as it is. */
int gcp_valid_name(const char *s, int project);

/* instances.get.  *FOUND = 0 (and P_OK) on 404. */
enum perr_code gcp_instance_get(struct gcp_client *c, const char *project,
				const char *zone, const char *name,
				int64_t deadline_ms, struct gcp_instance *out,
				int *found, struct gcp_error *ge,
				struct perr *e);
void gcp_instance_release(struct gcp_instance *i);

/* instances.insert of BODY (not consumed) in ZONE. */
enum perr_code gcp_instance_insert(struct gcp_client *c,
				   const char *project, const char *zone,
				   const cJSON *body, const char *request_id,
				   int64_t deadline_ms, struct gcp_op *op,
				   struct gcp_error *ge, struct perr *e);

/* instances.stop (DISCARD_LOCAL_SSD adds ?discardLocalSsd=true) and
 * instances.delete. */
enum perr_code gcp_instance_stop(struct gcp_client *c, const char *project,
				 const char *zone, const char *name,
				 int discard_local_ssd,
				 const char *request_id, int64_t deadline_ms,
				 struct gcp_op *op, struct gcp_error *ge,
				 struct perr *e);
enum perr_code gcp_instance_delete(struct gcp_client *c,
				   const char *project, const char *zone,
				   const char *name, const char *request_id,
				   int64_t deadline_ms, struct gcp_op *op,
				   struct gcp_error *ge, struct perr *e);

/* instances.setLabels: LABELS (an object, not consumed) replace all
 * labels; FINGERPRINT is the labelFingerprint last read. */
enum perr_code gcp_instance_set_labels(struct gcp_client *c,
				       const char *project, const char *zone,
				       const char *name, const cJSON *labels,
				       const char *fingerprint,
				       const char *request_id,
				       int64_t deadline_ms, struct gcp_op *op,
				       struct gcp_error *ge, struct perr *e);

/* machineImages.get: *FOUND, and STATUS ("CREATING", "READY"...). */
enum perr_code gcp_image_get(struct gcp_client *c, const char *project,
			     const char *name, int64_t deadline_ms,
			     char status[32], int *found,
			     struct gcp_error *ge, struct perr *e);

/* machineImages.insert of NAME from the instance SRC_NAME in SRC_ZONE. */
enum perr_code gcp_image_insert(struct gcp_client *c, const char *project,
				const char *name, const char *src_zone,
				const char *src_name, const char *request_id,
				int64_t deadline_ms, struct gcp_op *op,
				struct gcp_error *ge, struct perr *e);

/* Wait on OP (zone, region or global) with the operations' wait method
 * until it is DONE or DEADLINE_MS passes (P_EHTTP, op->done == 0). */
enum perr_code gcp_op_wait(struct gcp_client *c, const char *project,
			   struct gcp_op *op, int64_t deadline_ms,
			   struct perr *e);

/* regions.get: status and quotas. */
enum perr_code gcp_region_get(struct gcp_client *c, const char *project,
			      const char *region, int64_t deadline_ms,
			      struct gcp_region_info *out,
			      struct gcp_error *ge, struct perr *e);

/* zones.list, every page: *V (malloc'd, caller frees) of *N zones. */
enum perr_code gcp_zones_list(struct gcp_client *c, const char *project,
			      int64_t deadline_ms, struct gcp_zone_status **v,
			      size_t *n, struct gcp_error *ge,
			      struct perr *e);

/* ---- pure helpers (no I/O), exposed for tests -------------------- */

/* Fill GE from a standard Google error body (HTTP status HTTP). */
void gcp_error_from_body(struct gcp_error *ge, long http, const char *body);

/* Fill GE from an Operation's "error" member. */
void gcp_error_from_op(struct gcp_error *ge, const cJSON *error);

enum gcp_err_class gcp_classify(const struct gcp_error *ge);
const char *gcp_err_class_name(enum gcp_err_class c);

/* Parse an Operation resource into OP. */
void gcp_op_parse(const cJSON *o, struct gcp_op *op);

/* Parse an Instance resource into I (labels copied). */
enum perr_code gcp_instance_parse(const cJSON *o, struct gcp_instance *i,
				  struct perr *e);

/* vCPUs of a predefined or custom machine type, from its name; -1 when
 * the name does not say (e.g. a2-highgpu-1g).  An approximation: see
 * the function's comment. */
int gcp_machine_vcpus(const char *machine_type);

/* The room left under quota METRIC: limit - usage; -1 if not listed. */
double gcp_quota_room(const struct gcp_region_info *r, const char *metric);

#endif
