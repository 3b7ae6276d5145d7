/*
 * alert.c - collecting, storing and serialising alerts.  See alert.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alert.h"

void
alerts_add(struct alerts *a, const char *kind, const char *subject,
	   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	struct alert *x;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct alert *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL)
			return;
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x = &a->v[a->n++];
	snprintf(x->kind, sizeof(x->kind), "%s", kind);
	x->subject = subject ? strdup(subject) : NULL;
	x->message = strdup(msg);
}

enum perr_code
alerts_save(struct store *s, long long run_id, const struct alerts *a,
	    struct perr *e)
{
	sqlite3_stmt *st;
	char now[32];
	size_t i;
	int rc = SQLITE_DONE;

	if (a->n == 0)
		return P_OK;
	store_now(now, sizeof(now));
	if (store_begin(s, e))
		return e->code;
	if (store_prepare(s, "INSERT INTO alert(run_id, raised_at, kind, "
			  "subject, message) VALUES (?,?,?,?,?)", &st, e)) {
		store_rollback(s);
		return e->code;
	}
	for (i = 0; i < a->n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->v[i].kind, -1, SQLITE_STATIC);
		store_bind_text(st, 4, a->v[i].subject, -1);
		store_bind_text(st, 5, a->v[i].message ? a->v[i].message :
				"(out of memory)", -1);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fail(s, rc, e, "saving alerts");
		store_rollback(s);
		return e->code;
	}
	return store_commit(s, e);
}

char *
alerts_json(const struct alerts *a, const char *month, int status)
{
	cJSON *root = cJSON_CreateObject(), *list, *o;
	char *text;
	size_t i;

	cJSON_AddStringToObject(root, "source", "planner");
	if (month)
		cJSON_AddStringToObject(root, "month", month);
	cJSON_AddNumberToObject(root, "status", status);
	list = cJSON_AddArrayToObject(root, "alerts");
	for (i = 0; i < a->n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", a->v[i].kind);
		if (a->v[i].subject)
			cJSON_AddStringToObject(o, "subject", a->v[i].subject);
		else
			cJSON_AddNullToObject(o, "subject");
		cJSON_AddStringToObject(o, "message", a->v[i].message ?
					a->v[i].message : "");
		cJSON_AddItemToArray(list, o);
	}
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

void
alerts_release(struct alerts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].subject);
		free(a->v[i].message);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}
