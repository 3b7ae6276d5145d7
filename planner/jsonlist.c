/*
 * jsonlist.c - walking the elements of a JSON instance list, streaming
 * when the list is the whole document.  See json_each_element in
 * jsonin.h.
 *
 * The splitter reads the file in chunks and cuts the top-level array
 * into element texts with a small state machine that knows only strings,
 * escapes and bracket depth; each text is then parsed by cJSON.  So the
 * document's grammar is still checked by cJSON, element by element, and
 * the splitter itself only has to find the commas at depth zero.
 */
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "jsonin.h"
#include "utf8.h"

enum split_state {
	S_START,	/* before the opening '[' */
	S_WANT,		/* an element or ']' may come */
	S_WANT_ELEM,	/* after a comma: an element must come */
	S_ELEM,		/* inside an element */
	S_END		/* after the closing ']' */
};

struct splitter {
	FILE *f;
	const char *path;
	json_elem_fn fn;
	void *ctx;
	enum split_state state;
	char *el;		/* the element being collected */
	size_t len, cap;
	long line, col;		/* position of the byte being read */
	long el_line, el_col;	/* where the element began */
	int depth, in_str, esc;
	size_t index;
	long long off;		/* byte offset, for messages */
};

static enum perr_code
at(struct splitter *s, struct perr *e, const char *what, char found)
{
	if (found == '\0')
		return perr_set(e, P_EPARSE, "%s:%ld:%ld: %s: the file ends "
				"early (truncated?)", s->path, s->line, s->col,
				what);
	return perr_set(e, P_EPARSE, "%s:%ld:%ld: %s, found '%c'", s->path,
			s->line, s->col, what, found);
}

static int
push(struct splitter *s, char c)
{
	if (s->len + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		char *p;

		if (cap > (size_t)LIM_JSON_ELEMENT + 2)
			return -1;
		if ((p = realloc(s->el, cap)) == NULL)
			return -1;
		s->el = p;
		s->cap = cap;
	}
	s->el[s->len++] = c;
	return 0;
}

/* Line and column within the file of byte K of the element text. */
static void
elem_pos(const struct splitter *s, size_t k, long *line, long *col)
{
	size_t i;

	*line = s->el_line;
	*col = s->el_col;
	for (i = 0; i < k && i < s->len; i++) {
		if (s->el[i] == '\n') {
			++*line;
			*col = 1;
		} else
			++*col;
	}
}

/* Parse the collected element and hand it to the callback. */
static enum perr_code
finish_elem(struct splitter *s, struct perr *e)
{
	const char *end = NULL, *bad;
	cJSON *v;
	long line, col;
	size_t k;
	enum perr_code rc;

	s->el[s->len] = '\0';
	if ((k = utf8_invalid_at(s->el, s->len)) != (size_t)-1) {
		elem_pos(s, k, &line, &col);
		return perr_set(e, P_EPARSE, "%s:%ld:%ld: invalid UTF-8",
				s->path, line, col);
	}
	v = cJSON_ParseWithLengthOpts(s->el, s->len, &end, 0);
	bad = v == NULL ? cJSON_GetErrorPtr() : end;
	while (v && bad && *bad && strchr(" \t\r\n", *bad))
		bad++;
	if (v == NULL || (bad && *bad)) {
		k = bad && bad >= s->el ? (size_t)(bad - s->el) : s->len;
		elem_pos(s, k, &line, &col);
		cJSON_Delete(v);
		return perr_set(e, P_EPARSE, "%s:%ld:%ld: element %zu: not "
				"valid JSON here%s%.20s%s", s->path, line, col,
				s->index + 1, k < s->len ? " ('" : "",
				k < s->len ? s->el + k : "",
				k < s->len ? "')" : "");
	}
	rc = s->fn(s->ctx, v, s->index, s->el_line, e);
	cJSON_Delete(v);
	s->index++;
	s->len = 0;
	return rc;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One byte inside an element: track strings and depth; a ',' or ']'
 * at depth zero ends the element. */
static enum perr_code
in_elem(struct splitter *s, char c, struct perr *e)
{
	if (s->in_str) {
		if (s->esc)
			s->esc = 0;
		else if (c == '\\')
			s->esc = 1;
		else if (c == '"')
			s->in_str = 0;
	} else if (c == '"') {
		s->in_str = 1;
	} else if (c == '[' || c == '{') {
		if (++s->depth > LIM_JSON_DEPTH)
			return perr_set(e, P_ELIMIT, "%s:%ld:%ld: nesting "
					"deeper than %d levels", s->path,
					s->line, s->col, LIM_JSON_DEPTH);
	} else if ((c == ']' || c == '}') && s->depth > 0) {
		s->depth--;
	} else if (s->depth == 0 && (c == ',' || c == ']')) {
		s->state = c == ',' ? S_WANT_ELEM : S_END;
		return finish_elem(s, e);
	}
	if (push(s, c))
		return perr_set(e, P_ELIMIT, "%s:%ld: element %zu is larger "
				"than %ld MiB", s->path, s->el_line,
				s->index + 1, LIM_JSON_ELEMENT >> 20);
	return P_OK;
}

static enum perr_code
feed(struct splitter *s, char c, struct perr *e)
{
	switch (s->state) {
	case S_START:
		if (is_space(c))
			return P_OK;
		if (c != '[')
			return at(s, e, "expected '['", c);
		s->state = S_WANT;
		return P_OK;
	case S_WANT:
	case S_WANT_ELEM:
		if (is_space(c))
			return P_OK;
		if (c == ']' && s->state == S_WANT) {
			s->state = S_END;
			return P_OK;
		}
		if (c == ']' || c == ',')
			return at(s, e, "expected a list element", c);
		s->state = S_ELEM;
		s->el_line = s->line;
		s->el_col = s->col;
		s->depth = s->in_str = s->esc = 0;
		return in_elem(s, c, e);
	case S_ELEM:
		return in_elem(s, c, e);
	case S_END:
		if (is_space(c))
			return P_OK;
		return at(s, e, "unexpected data after the JSON document", c);
	}
	return P_OK;
}

static void
advance(struct splitter *s, char c)
{
	if (c == '\n') {
		s->line++;
		s->col = 1;
	} else
		s->col++;
	s->off++;
}

static enum perr_code
stream_array(struct splitter *s, struct perr *e)
{
	char buf[65536];
	size_t n, i;
	enum perr_code rc = P_OK;

	while (rc == P_OK && (n = fread(buf, 1, sizeof(buf), s->f)) > 0) {
		i = 0;
		/* A byte order mark, as some tools write. */
		if (s->off == 0 && n >= 3 &&
		    memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			i = 3;
		for (; rc == P_OK && i < n; i++) {
			if (buf[i] == '\0')
				return perr_set(e, P_EPARSE, "%s:%ld:%ld: NUL "
						"byte", s->path, s->line,
						s->col);
			rc = feed(s, buf[i], e);
			advance(s, buf[i]);
		}
	}
	if (rc == P_OK && ferror(s->f))
		return perr_set(e, P_EIO, "%s: read error", s->path);
	if (rc == P_OK && s->state != S_END)
		return at(s, e, s->state == S_START ? "expected a JSON list" :
			  "expected the end of the list", '\0');
	return rc;
}

/* Whether object ROOT, lacking its list, can stand for an empty list:
 * "{}" (B04), or the REST list resource with nothing in it.  Anything
 * else (an API error saved by a script, another document) must not wipe
 * the stored inventory. */
static const char *
empty_object_why(const cJSON *root)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");

	if (cJSON_GetArraySize(root) == 0)
		return NULL;
	if (cJSON_GetObjectItemCaseSensitive(root, "error") ||
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "success")))
		return "an error reply, not an inventory";
	if (cJSON_IsString(kind) && strcmp(kind->valuestring,
					   "compute#instanceList") == 0)
		return NULL;
	return "no instance list in it";
}

/* The object form: read whole, find the list under KEY. */
static enum perr_code
object_list(FILE *f, const char *path, const char *key, json_elem_fn fn,
	    void *ctx, const char **note, struct perr *e)
{
	struct json_doc d;
	const cJSON *list, *o;
	const char *why;
	size_t i = 0;
	enum perr_code rc = json_doc_load(&d, f, path, key, e);

	if (rc == P_OK && !cJSON_IsObject(d.root))
		rc = perr_set(e, P_EPARSE, "%s:1: expected a JSON list or an "
			      "object holding '%s', found %s", path, key,
			      json_type_name(d.root));
	list = rc == P_OK ? cJSON_GetObjectItemCaseSensitive(d.root, key) :
	    NULL;
	why = rc == P_OK && list == NULL ? empty_object_why(d.root) : NULL;
	if (why != NULL)
		rc = perr_set(e, P_EPARSE, "%s:1: expected a list or an "
			      "object holding '%s': %s", path, key, why);
	else if (rc == P_OK && (list == NULL || cJSON_IsNull(list)))
		*note = list ? "the list is null: the inventory is empty" :
		    "the file holds no instance list: the inventory is empty";
	else if (rc == P_OK && !cJSON_IsArray(list))
		rc = perr_set(e, P_EPARSE, "%s: field '%s': expected a list, "
			      "found %s", path, key, json_type_name(list));
	else if (rc == P_OK)
		cJSON_ArrayForEach(o, list) {
			rc = fn(ctx, o, i, json_doc_elem_line(&d, i), e);
			if (rc != P_OK)
				break;
			i++;
		}
	json_doc_release(&d);
	return rc;
}

/* The first byte that is not blank (or a byte order mark). */
static int
peek_first(FILE *f)
{
	unsigned char head[3];
	int c;

	/* Skip a byte order mark, if that is what the file starts with. */
	if (fread(head, 1, 3, f) != 3 || memcmp(head, "\xEF\xBB\xBF", 3) != 0)
		rewind(f);
	do
		c = getc(f);
	while (c != EOF && is_space((char)c));
	rewind(f);
	return c;
}

enum perr_code
json_each_element(FILE *f, const char *path, const char *list_key,
		  json_elem_fn fn, void *ctx, const char **note,
		  struct perr *e)
{
	struct splitter s;
	enum perr_code rc;

	*note = NULL;
	if (peek_first(f) == '{')
		return object_list(f, path, list_key, fn, ctx, note, e);
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.path = path;
	s.fn = fn;
	s.ctx = ctx;
	s.line = s.col = 1;
	rc = stream_array(&s, e);
	free(s.el);
	return rc;
}
