/*
 * migrate_int.h - what migrate.c and migstep.c share: the wave, one move,
 * and the journal's replay.  Not for other modules.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_MIGRATE_INT_H
#define PLANNER_MIGRATE_INT_H

#include "gauth.h"
#include "gcp.h"
#include "ghttp.h"
#include "migjournal.h"
#include "migrate.h"
#include "reqid.h"

#define MV_LABEL_UID	"planner-migration"	/* on the new VM */
#define MV_LABEL_MOVED	"planner-moved-to"	/* on the old VM */

/* Per-step deadlines (ms): each step's calls, retries and waits. */
#define DL_READ		(2 * 60 * 1000L)
#define DL_IMAGE	(60 * 60 * 1000L)
#define DL_CREATE	(15 * 60 * 1000L)
#define DL_STOP		(10 * 60 * 1000L)
#define DL_LABEL	(5 * 60 * 1000L)
#define POLL_MS		2000	/* between GETs waiting on a state */

struct migrate {
	struct migrate_opts o;
	struct ghttp *http;
	struct gauth *auth;
	struct gcp_client *gcp;
	FILE *out;
	struct store *s;
	const struct region_catalog *cat;
	struct alerts *alerts;
	long long run_id;
	struct migrate_stats st;
	char zones_project[104];	/* whose zone list is loaded */
	struct gcp_zone_status *zones;
	size_t nzones;
	int stop;			/* a project-wide quota was hit */
};

#define MV_MAX_SKIP	64

/* What the journal says about a move so far. */
struct replay {
	char skip_zone[MV_MAX_SKIP][48];
	int nskip_zone;
	char skip_region[MV_MAX_SKIP][40];
	int nskip_region;
	char vm_zone[48], vm_region[40];	/* a VM of ours may be here */
	int vm_created;				/* ... and was created */
	int vm_failed_probe;			/* ... and failed validation */
	int image_done;
	int rollbacks;				/* new VMs deleted */
	int label_new, label_source, stop_source, delete_source;
};

struct move {
	struct migrate *w;
	struct migration m;
	struct gcp_instance src;	/* the source as last read */
	int have_src;
	struct replay r;
};

enum place_result {
	PLACE_NONE,	/* no candidate took the VM */
	PLACE_OK,	/* validated in m.to_zone */
	PLACE_STOP,	/* a project-wide quota: stop the wave */
	PLACE_CONFIG	/* the request itself is wrong: give up this VM */
};

/* migstep.c */
enum perr_code mv_image(struct move *mv, int *ok, struct perr *e);
enum perr_code mv_place(struct move *mv, enum place_result *res,
			struct perr *e);
enum perr_code mv_finish(struct move *mv, struct perr *e);
void mv_new_name(const struct migration *m, const char *region,
		 char out[64]);

/* migrate.c: journal wrappers (no-ops in a dry run) and helpers. */
enum perr_code mv_begin(struct move *mv, const char *step,
			const char *region, const char *zone,
			const char *target, const char *rid, long long *id,
			struct perr *e);
enum perr_code mv_end(struct move *mv, long long id, const char *state,
		      const char *cls, const char *code, const char *detail,
		      struct perr *e);
enum perr_code mv_save(struct move *mv, int finished, struct perr *e);
void mv_rid(const struct move *mv, char out[REQID_LEN + 1],
	    const char *step, const char *zone, const char *name);
int64_t mv_deadline(long ms);
void mv_skip_zone(struct replay *r, const char *zone);
void mv_skip_region(struct replay *r, const char *region);
int mv_zone_skipped(const struct replay *r, const char *zone);
int mv_region_skipped(const struct replay *r, const char *region);

#endif
