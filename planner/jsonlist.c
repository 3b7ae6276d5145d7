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
#include <stddef.h>
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

/*
 * cJSON allocates each value, key and string of an element on its own
 * and frees each again: with 100 fields an element, a fifth of an
 * import's time went to malloc and free.  So an element is parsed into
 * an arena (blocks of memory handed out in order) through cJSON's
 * allocator hooks, and its tree is dropped whole, never passed to
 * cJSON_Delete.  The hooks are global, so they are set only around the
 * cJSON_Parse call, which uses no other allocator; everything else,
 * the element callbacks included, sees cJSON's defaults.
 */
struct arena_block {
	struct arena_block *next;
	size_t size;
	max_align_t data[];
};

struct arena {
	struct arena_block *blocks;	/* the newest first */
	char *next;			/* free room in blocks */
	size_t left;
};

#define ARENA_BLOCK	(256 * 1024)

static struct arena *parse_arena;	/* for the hooks, while parsing */

static void *
arena_alloc(size_t n)
{
	struct arena *a = parse_arena;
	struct arena_block *b;
	size_t size;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
	    sizeof(max_align_t);
	if (n > a->left) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = a->blocks;
		b->size = size;
		a->blocks = b;
		a->next = (char *)b->data;
		a->left = size;
	}
	p = a->next;
	a->next += n;
	a->left -= n;
	return p;
}

static void
arena_free(void *p)
{
	(void)p;	/* freed with the whole arena */
}

/* Empty A for the next element, keeping its oldest block. */
static void
arena_reset(struct arena *a)
{
	struct arena_block *b;

	while (a->blocks && a->blocks->next) {
		b = a->blocks;
		a->blocks = b->next;
		free(b);
	}
	a->next = a->blocks ? (char *)a->blocks->data : NULL;
	a->left = a->blocks ? a->blocks->size : 0;
}

static void
arena_release(struct arena *a)
{
	arena_reset(a);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

/* cJSON_ParseWithLengthOpts into arena A (reset first). */
static cJSON *
arena_parse(struct arena *a, const char *text, size_t len, const char **end)
{
	cJSON_Hooks h = { arena_alloc, arena_free };
	cJSON *v;

	arena_reset(a);
	parse_arena = a;
	cJSON_InitHooks(&h);
	v = cJSON_ParseWithLengthOpts(text, len, end, 0);
	cJSON_InitHooks(NULL);
	parse_arena = NULL;
	return v;
}

struct splitter {
	FILE *f;
	const char *path;
	json_elem_fn fn;
	void *ctx;
	enum split_state state;
	struct arena arena;	/* its parsed tree */
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

/* The longest element text: with its NUL it fills LIM_JSON_ELEMENT
 * bytes (a power of two; the buffer doubles from 4 KiB up to it). */
#define ELEM_MAX	((size_t)LIM_JSON_ELEMENT - 1)

/* Room for N more bytes of element text and the NUL; the caller has
 * checked that S->len + N <= ELEM_MAX. */
static int
reserve(struct splitter *s, size_t n)
{
	size_t cap = s->cap ? s->cap : 4096;
	char *p;

	if (s->len + n + 1 <= s->cap)
		return 0;
	while (s->len + n + 1 > cap)
		cap *= 2;
	if ((p = realloc(s->el, cap)) == NULL)
		return -1;
	s->el = p;
	s->cap = cap;
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
	v = arena_parse(&s->arena, s->el, s->len, &end);
	bad = v == NULL ? cJSON_GetErrorPtr() : end;
	while (v && bad && *bad && strchr(" \t\r\n", *bad))
		bad++;
	if (v == NULL || (bad && *bad)) {
		k = bad && bad >= s->el ? (size_t)(bad - s->el) : s->len;
		elem_pos(s, k, &line, &col);
		return perr_set(e, P_EPARSE, "%s:%ld:%ld: element %zu: not "
				"valid JSON here%s%.20s%s", s->path, line, col,
				s->index + 1, k < s->len ? " ('" : "",
				k < s->len ? s->el + k : "",
				k < s->len ? "')" : "");
	}
	rc = s->fn(s->ctx, v, s->index, s->el_line, e);
	s->index++;
	s->len = 0;
	return rc;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static enum perr_code
too_large(const struct splitter *s, struct perr *e)
{
	return perr_set(e, P_ELIMIT, "%s:%ld: element %zu is larger than %ld "
			"MiB", s->path, s->el_line, s->index + 1,
			LIM_JSON_ELEMENT >> 20);
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
	if (s->len + 1 > ELEM_MAX)
		return too_large(s, e);
	if (reserve(s, 1))
		return perr_set(e, P_ENOMEM, "%s: out of memory", s->path);
	s->el[s->len++] = c;
	return P_OK;
}

/* The bytes scan_elem() must look at one by one, inside a string and
 * outside one; any other byte only moves the column on. */
static const unsigned char stop_in_str[256] = {
	['\0'] = 1, ['\n'] = 1, ['"'] = 1, ['\\'] = 1
};
static const unsigned char stop_outside[256] = {
	['\0'] = 1, ['\n'] = 1, ['"'] = 1, ['['] = 1, [']'] = 1, ['{'] = 1,
	['}'] = 1, [','] = 1
};

/*
 * The bytes of BUF from *I to N that are inside the current element,
 * up to the ',' or ']' that ends it (left for feed()).  This does what
 * feed() and stream_array() do for each byte of an element, checks in
 * the same order (NUL, depth, size), but runs of ordinary bytes are
 * skipped with a table and the text is copied in one go: calling
 * feed() for each byte of a 700 MB inventory took a third of the
 * import's time.
 */
static enum perr_code
scan_elem(struct splitter *s, const char *buf, size_t *i, size_t n,
	  struct perr *e)
{
	size_t j, k, room = ELEM_MAX - s->len;
	size_t lim = room < n - *i ? *i + room : n;	/* then too large */
	long line = s->line, col = s->col;
	int depth = s->depth, in_str = s->in_str, esc = s->esc;
	enum perr_code rc = P_OK;

	for (j = *i; j < n; j++) {
		const unsigned char *stop = in_str ? stop_in_str :
		    stop_outside;
		char c;

		if (!esc) {	/* an escaped byte is never ordinary */
			for (k = j; k < lim && !stop[(unsigned char)buf[k]];
			     k++)
				;
			col += (long)(k - j);
			if ((j = k) == n)
				break;
		}
		c = buf[j];
		if (c == '\0') {
			rc = perr_set(e, P_EPARSE, "%s:%ld:%ld: NUL byte",
				      s->path, line, col);
			break;
		}
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > LIM_JSON_DEPTH) {
				rc = perr_set(e, P_ELIMIT, "%s:%ld:%ld: "
					      "nesting deeper than %d levels",
					      s->path, line, col,
					      LIM_JSON_DEPTH);
				break;
			}
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		} else if (depth == 0 && (c == ',' || c == ']'))
			break;
		if (j >= lim) {
			rc = too_large(s, e);
			break;
		}
		if (c == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	if (rc == P_OK && reserve(s, j - *i))
		rc = perr_set(e, P_ENOMEM, "%s: out of memory", s->path);
	if (rc == P_OK) {
		memcpy(s->el + s->len, buf + *i, j - *i);
		s->len += j - *i;
	}
	s->off += (long long)(j - *i);
	s->line = line;
	s->col = col;
	s->depth = depth;
	s->in_str = in_str;
	s->esc = esc;
	*i = j;
	return rc;
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
		while (rc == P_OK && i < n) {
			if (s->state == S_ELEM &&
			    ((rc = scan_elem(s, buf, &i, n, e)) != P_OK ||
			     i == n))
				continue;
			if (buf[i] == '\0')
				return perr_set(e, P_EPARSE, "%s:%ld:%ld: NUL "
						"byte", s->path, s->line,
						s->col);
			rc = feed(s, buf[i], e);
			advance(s, buf[i]);
			i++;
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
	arena_release(&s.arena);
	return rc;
}
