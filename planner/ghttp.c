/*
 * ghttp.c - HTTP requests with retries for the GCP client.  See ghttp.h.
 *
 * Owned by the migration work.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "ghttp.h"
#include "caps.h"
#include "log.h"
#include "runctl.h"

struct ghttp {
	CURL *curl;
	unsigned long rng;	/* xorshift state, for jitter */
};

/* What one attempt collects. */
struct sink {
	char *buf;
	size_t len, cap;
	int too_big;
	long retry_after_ms;
};

/* Milliseconds on CLOCK_MONOTONIC, for deadlines. */
int64_t
ghttp_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Sleep MS ms in slices, waking early (-1) when runctl says stop. */
int
ghttp_sleep_ms(int64_t ms)
{
	int64_t end = ghttp_now_ms() + ms;
	struct timespec ts;

	while (!runctl_stopped()) {
		int64_t left = end - ghttp_now_ms();

		if (left <= 0)
			return 0;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* The pause before retry N: exponential, capped, jittered into its upper
 * half by R, never below RETRY_AFTER_MS. */
long
ghttp_backoff_ms(int n, unsigned long r, long retry_after_ms)
{
	long d = GHTTP_BACKOFF_MS;
	long p;

	while (--n > 0 && d < GHTTP_BACKOFF_MAX_MS)
		d *= 2;
	if (d > GHTTP_BACKOFF_MAX_MS)
		d = GHTTP_BACKOFF_MAX_MS;
	p = d / 2 + (long)(r % (unsigned long)(d / 2 + 1));
	return p < retry_after_ms ? retry_after_ms : p;
}

static unsigned long
next_rand(struct ghttp *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

/* A client with its own libcurl handle and jitter seed; ghttp_free()
 * releases it. */
enum perr_code
ghttp_open(struct ghttp **hp, struct perr *e)
{
	struct ghttp *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	if (getrandom(&h->rng, sizeof(h->rng), 0) != sizeof(h->rng))
		h->rng = (unsigned long)time(NULL) ^ (unsigned long)getpid();
	h->rng |= 1;
	if ((h->curl = curl_easy_init()) == NULL) {
		free(h);
		return perr_set(e, P_EHTTP, "libcurl failed to start");
	}
	*hp = h;
	return P_OK;
}

/* Release H (NULL is fine). */
void
ghttp_free(struct ghttp *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

/* Free the body RS owns; RS may be reused. */
void
ghttp_resp_release(struct ghttp_resp *rs)
{
	free(rs->body);
	rs->body = NULL;
	rs->len = 0;
}

/* ---- the URL policy ------------------------------------------------ */

static int
loopback_host(const char *host)
{
	unsigned char a[16];
	char buf[64];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
	    n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, a) == 1 &&
		    memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	}
	return inet_pton(AF_INET, host, a) == 1 && a[0] == 127;
}

/* P_EUSAGE unless URL is https or http to a loopback address literal;
 * "localhost" is refused since a name could resolve elsewhere. */
enum perr_code
ghttp_check_url(const char *url, const char *what, struct perr *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	enum perr_code rc = P_OK;

	if (u == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		rc = perr_set(e, P_EUSAGE, "%s '%s': not a URL", what, url);
	else if (strcasecmp(scheme, "https") == 0)
		rc = P_OK;
	else if (strcasecmp(scheme, "http") != 0)
		rc = perr_set(e, P_EUSAGE, "%s '%s': expected an https URL",
			      what, url);
	else if (!loopback_host(host))
		rc = perr_set(e, P_EUSAGE, "%s '%s': plain http is only "
			      "allowed to a loopback address (127.0.0.1, "
			      "[::1]); use https", what, url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/* ---- one attempt --------------------------------------------------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t add = size * n;

	if (s->len + add + 1 > (size_t)LIM_HTTP_BODY) {
		s->too_big = 1;
		return 0;
	}
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *b;

		while (cap < s->len + add + 1)
			cap *= 2;
		if ((b = realloc(s->buf, cap)) == NULL)
			return 0;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

/* Retry-After: delay-seconds or an HTTP date. */
static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * n;
	char v[128];

	if (len > 12 && len < 12 + sizeof(v) &&
	    strncasecmp(p, "Retry-After:", 12) == 0) {
		char *end;
		long secs;

		memcpy(v, p + 12, len - 12);
		v[len - 12] = '\0';
		v[strcspn(v, "\r\n")] = '\0';
		secs = strtol(v, &end, 10);
		if (end != v && *end == '\0' && secs >= 0 && secs < 86400)
			s->retry_after_ms = secs * 1000;
		else {
			time_t t = curl_getdate(v + strspn(v, " "), NULL);
			time_t now = time(NULL);

			if (t != (time_t)-1)
				s->retry_after_ms = t > now ?
				    (long)(t - now) * 1000 : 0;
		}
	}
	return len;
}

static int
on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c,
	    curl_off_t d)
{
	(void)ctx;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return runctl_stopped() != 0;	/* non-zero aborts the transfer */
}

static void
set_request(CURL *c, const struct ghttp_req *rq, long timeout_ms,
	    struct sink *s)
{
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	if (strcmp(rq->method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else if (strcmp(rq->method, "POST") == 0 || rq->body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
				 rq->body ? rq->body : "");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < 10000 ? timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "127.0.0.1,::1,localhost");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "planner");
}

/* Headers for RQ with TOKEN; NULL when out of memory.  Every copy of
 * the token is wiped before its memory is freed. */
static struct curl_slist *
make_headers(const struct ghttp_req *rq, const char *token)
{
	struct curl_slist *h, *t;
	char ct[128];
	char *auth;
	size_t n;

	snprintf(ct, sizeof(ct), "Content-Type: %s", rq->content_type ?
		 rq->content_type : "application/json");
	if ((h = curl_slist_append(NULL, ct)) == NULL || token == NULL)
		return h;
	n = strlen(token) + 32;
	if ((auth = malloc(n)) == NULL) {
		curl_slist_free_all(h);
		return NULL;
	}
	snprintf(auth, n, "Authorization: Bearer %s", token);
	t = curl_slist_append(h, auth);
	explicit_bzero(auth, n);
	free(auth);
	if (t == NULL)
		curl_slist_free_all(h);
	return t;
}

static void
free_headers(struct curl_slist *h)
{
	struct curl_slist *t;

	for (t = h; t; t = t->next)
		explicit_bzero(t->data, strlen(t->data));
	curl_slist_free_all(h);
}

/* One attempt: 0 with RS->status set when an answer came, else -1 with
 * E saying why (transport failure). */
static int
attempt(struct ghttp *h, const struct ghttp_req *rq, const char *token,
	long timeout_ms, struct ghttp_resp *rs, struct perr *e)
{
	struct sink s = { NULL, 0, 0, 0, -1 };
	struct curl_slist *hdr = make_headers(rq, token);
	char err[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	if (hdr == NULL)
		return perr_set(e, P_ENOMEM, "out of memory"), -1;
	set_request(h->curl, rq, timeout_ms, &s);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, err);
	rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	free_headers(hdr);
	ghttp_resp_release(rs);
	rs->status = 0;
	rs->retry_after_ms = s.retry_after_ms;
	if (rc != CURLE_OK) {
		free(s.buf);
		perr_set(e, P_EHTTP, "%s %s: %s", rq->method, rq->url,
			 s.too_big ? "response larger than the limit" :
			 *err ? err : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &rs->status);
	rs->body = s.buf;
	rs->len = s.len;
	return 0;
}

/* ---- retries ------------------------------------------------------- */

/* A 403 that is a rate limit, not a refusal: reason rateLimitExceeded
 * or userRateLimitExceeded in the standard Google error body. */
static int
rate_limited(const char *body)
{
	cJSON *root = cJSON_Parse(body), *errs, *x;
	int yes = 0;

	errs = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "error"), "errors");
	cJSON_ArrayForEach(x, errs) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(x, "reason");

		if (cJSON_IsString(r) &&
		    (strcmp(r->valuestring, "rateLimitExceeded") == 0 ||
		     strcmp(r->valuestring, "userRateLimitExceeded") == 0))
			yes = 1;
	}
	cJSON_Delete(root);
	return yes;
}

static int
retryable(const struct ghttp_resp *rs)
{
	if (rs->status == 429 || rs->status >= 500)
		return 1;
	return rs->status == 403 && rs->body && rate_limited(rs->body);
}

static enum perr_code
stopped(struct perr *e)
{
	return perr_set(e, P_ESTOPPED, "stopped by signal %d",
			runctl_stopped());
}

/* Attempts RQ until an answer retrying cannot change, a signal or the
 * deadline; RS keeps the last answer.  See ghttp.h for what is retried. */
enum perr_code
ghttp_send(struct ghttp *h, const struct ghttp_req *rq, int64_t deadline_ms,
	   struct ghttp_resp *rs, struct perr *e)
{
	int retries = 0, reauth = 0;
	const char *tok = NULL;
	int64_t left;
	long pause;

	memset(rs, 0, sizeof(*rs));
	rs->retry_after_ms = -1;
	perr_set(e, P_EHTTP, "%s %s: no attempt before the deadline",
		 rq->method, rq->url);
	for (;;) {
		if (runctl_stopped())
			return stopped(e);
		if ((left = deadline_ms - ghttp_now_ms()) <= 0)
			return P_EHTTP;
		if (rq->auth && rq->auth->token(rq->auth->ctx, deadline_ms,
						&tok, e))
			return e->code;
		rs->attempts++;
		if (attempt(h, rq, tok, rq->attempt_timeout_ms < left ?
			    rq->attempt_timeout_ms : (long)left, rs, e) == 0) {
			log_debug("%s %s: HTTP %ld", rq->method, rq->url,
				  rs->status);
			if (rs->status == 401 && rq->auth && !reauth &&
			    rq->auth->invalidate(rq->auth->ctx)) {
				reauth = 1;
				continue;
			}
			if (!retryable(rs))
				return P_OK;
			perr_set(e, P_EHTTP, "%s %s: HTTP %ld", rq->method,
				 rq->url, rs->status);
		}
		if (runctl_stopped())
			return stopped(e);
		if (e->code == P_ENOMEM)
			return e->code;
		pause = ghttp_backoff_ms(++retries, next_rand(h),
					 rs->retry_after_ms);
		if (ghttp_now_ms() + pause >= deadline_ms) {
			perr_prefix(e, "gave up after %d attempts (the step's "
				    "deadline comes before the next one)",
				    rs->attempts);
			return P_EHTTP;
		}
		log_info("%s; retrying in %ld ms", e->msg, pause);
		if (ghttp_sleep_ms(pause))
			return stopped(e);
	}
}
