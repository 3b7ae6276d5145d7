/*
 * http.c - POST with retries on libcurl.  See http.h.
 */
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "http.h"

/* The response body is not needed: drop it. */
static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* One attempt.  Returns the HTTP status, or 0 with E set on a transport
 * failure. */
static long
attempt(CURL *c, const char *url, const char *body, long timeout_s,
	struct perr *e)
{
	struct curl_slist *h = curl_slist_append(NULL,
	    "Content-Type: application/json");
	char err[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		perr_set(e, P_EHTTP, "POST %s: %s", url,
			 *err ? err : curl_easy_strerror(rc));
	curl_slist_free_all(h);
	return status;
}

enum perr_code
http_post_json(const char *url, const char *body, int attempts,
	       long first_pause_ms, long timeout_s, struct perr *e)
{
	CURL *c = curl_easy_init();
	long status = 0, wait = first_pause_ms;
	int i;

	if (c == NULL)
		return perr_set(e, P_EHTTP, "POST %s: libcurl failed to start",
				url);
	for (i = 0; i < attempts; i++) {
		if (i > 0) {
			pause_ms(wait);
			wait *= 2;
		}
		status = attempt(c, url, body, timeout_s, e);
		if (status >= 200 && status < 300)
			break;
		if (status != 0)
			perr_set(e, P_EHTTP, "POST %s: HTTP %ld", url, status);
		if (status != 0 && status != 429 && status < 500)
			break;	/* the server said no: retrying won't help */
	}
	curl_easy_cleanup(c);
	return status >= 200 && status < 300 ? P_OK : P_EHTTP;
}
