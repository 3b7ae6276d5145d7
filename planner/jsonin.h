/*
 * jsonin.h - reading a JSON input file with cJSON, with positions.
 *
 * cJSON builds a tree but forgets where each value stood in the text.
 * Error messages must name a line, so jsonin also records the byte
 * offset at which each element of the top-level list starts (the list is
 * the document itself, or the array under a named key of a top-level
 * object), and turns offsets into line:column.
 *
 * Ownership: struct json_doc owns the text and the cJSON tree;
 * json_doc_release() frees both.
 */
#ifndef PLANNER_JSONIN_H
#define PLANNER_JSONIN_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "err.h"

struct json_doc {
	char *text;		/* whole file, NUL-terminated */
	size_t len;
	cJSON *root;
	size_t *elem_off;	/* start offset of each top-level element */
	size_t nelem;
};

/* Read F (named PATH in messages) whole, up to LIM_JSON_FILE bytes, and
 * parse it.  Trailing data after the document, nesting deeper than
 * LIM_JSON_DEPTH and invalid UTF-8 are errors with line and column.
 * LIST_KEY names the key whose array holds the elements when the document
 * is an object (NULL: only a top-level array is indexed). */
enum perr_code json_doc_load(struct json_doc *d, FILE *f, const char *path,
			     const char *list_key, struct perr *e);
void json_doc_release(struct json_doc *d);

/* The 1-based line of byte offset OFF in D. */
long json_doc_line(const struct json_doc *d, size_t off);

/* Line of element I of the top-level list (0 if unknown). */
long json_doc_elem_line(const struct json_doc *d, size_t i);

/* Typed field access on object O.  Each returns 1 when KEY is present
 * with the right type, 0 when absent or null, -1 when of another type
 * (the caller reports it, naming KEY and json_type_name()). */
int json_get_string(const cJSON *o, const char *key, const char **out);
int json_get_int(const cJSON *o, const char *key, long long *out);

/* "string", "number", "object", "array", "boolean", "null". */
const char *json_type_name(const cJSON *v);

#endif
