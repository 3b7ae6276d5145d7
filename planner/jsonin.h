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

/*
 * Call FN once per element of an instance list, in order.  The list is
 * the document itself when it is an array: then the file is streamed and
 * only one element is in memory at a time (LIM_JSON_ELEMENT), so memory
 * does not grow with the file.  When the document is an object, the
 * list is the array under LIST_KEY, and the file is read whole (page
 * objects are small); a missing or null list is an empty one, and *NOTE
 * says so.  FN gets the element, its index from 0 and the line where it
 * starts; a non-OK return from FN stops the walk and is returned.
 */
typedef enum perr_code (*json_elem_fn)(void *ctx, const cJSON *elem,
				       size_t index, long line,
				       struct perr *e);

enum perr_code json_each_element(FILE *f, const char *path,
				 const char *list_key, json_elem_fn fn,
				 void *ctx, const char **note,
				 struct perr *e);

/* Typed field access on object O.  Each returns 1 when KEY is present
 * with the right type, 0 when absent or null, -1 when of another type
 * (the caller reports it, naming KEY and json_type_name()). */
int json_get_string(const cJSON *o, const char *key, const char **out);
int json_get_int(const cJSON *o, const char *key, long long *out);

/* "string", "number", "object", "array", "boolean", "null". */
const char *json_type_name(const cJSON *v);

#endif
