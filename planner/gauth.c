/*
 * gauth.c - access tokens: a file, the environment, or a service-account
 * key exchanged through the JWT bearer flow.  See gauth.h.
 *
 * Owned by the migration work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gauth.h"
#include "caps.h"
#include "log.h"

enum gauth_kind { GA_FILE, GA_ENV, GA_KEY };

struct gauth {
	enum gauth_kind kind;
	char *token;		/* the access token; wiped on free */
	int64_t expires_ms;	/* ghttp_now_ms() instant; 0: unknown */
	char *email, *key_id, *token_uri;
	char *key_pem;		/* wiped on free */
	struct ghttp *http;	/* borrowed */
	char source[256];
};

static void
wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Wipe the token and key, then free A (NULL is fine). */
void
gauth_free(struct gauth *a)
{
	if (a == NULL)
		return;
	wipe_free(a->token);
	wipe_free(a->key_pem);
	free(a->email);
	free(a->key_id);
	free(a->token_uri);
	free(a);
}

/* Where the token comes from, for messages; never the token itself. */
const char *
gauth_source(const struct gauth *a)
{
	return a->source;
}

/* ---- secret files -------------------------------------------------- */

/* Read the secret file PATH (named WHAT in messages) whole into *OUT,
 * refusing anything but a regular file private to its owner. */
static enum perr_code
read_secret(const char *path, const char *what, char **out,
	    struct perr *e)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return perr_set(e, P_EUSAGE, "%s '%s': %s", what, path,
				strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > LIM_KEY_FILE) {
		close(fd);
		return perr_set(e, P_EUSAGE, "%s '%s': not a regular file of "
				"at most %d bytes", what, path, LIM_KEY_FILE);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return perr_set(e, P_EUSAGE, "%s '%s': group or others may "
				"read or write it (mode %04o); refusing a "
				"secret that is not private (chmod 600)",
				what, path, (unsigned)(st.st_mode & 07777));
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return perr_set(e, P_ENOMEM, "out of memory");
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		wipe_free(buf);
		return perr_set(e, P_EIO, "%s '%s': read error", what, path);
	}
	buf[n] = '\0';
	*out = buf;
	return P_OK;
}

/* A token must be one printable word. */
static enum perr_code
set_static_token(struct gauth *a, const char *text, struct perr *e)
{
	size_t b = strspn(text, " \t\r\n"), n = 0;
	const char *p;

	for (p = text + b; p[n] > ' ' && p[n] < 0x7f; n++)
		;
	if (n == 0 || p[n + strspn(p + n, " \t\r\n")] != '\0')
		return perr_set(e, P_EUSAGE, "%s: expected one access token",
				a->source);
	if ((a->token = strndup(p, n)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	return P_OK;
}

/* ---- the service-account key --------------------------------------- */

static char *
dup_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ?
	    strdup(v->valuestring) : NULL;
}

static enum perr_code
load_key(struct gauth *a, const char *path, struct perr *e)
{
	const cJSON *type;
	char *text;
	cJSON *root;
	enum perr_code rc = P_OK;

	if (read_secret(path, "GOOGLE_APPLICATION_CREDENTIALS", &text, e))
		return e->code;
	root = cJSON_Parse(text);
	wipe_free(text);
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsString(type) ||
	    strcmp(type->valuestring, "service_account") != 0)
		rc = perr_set(e, P_EUSAGE, "key file '%s': expected a "
			      "service-account key (\"type\": "
			      "\"service_account\")", path);
	else {
		a->email = dup_field(root, "client_email");
		a->key_pem = dup_field(root, "private_key");
		a->key_id = dup_field(root, "private_key_id");
		a->token_uri = dup_field(root, "token_uri");
		if (a->token_uri == NULL)
			a->token_uri = strdup(GAUTH_TOKEN_URI);
		if (!a->email || !a->key_pem || !a->token_uri)
			rc = perr_set(e, P_EUSAGE, "key file '%s': "
				      "client_email or private_key missing",
				      path);
	}
	if (root) {
		cJSON *k = cJSON_GetObjectItemCaseSensitive(root,
							   "private_key");

		if (cJSON_IsString(k))
			explicit_bzero(k->valuestring, strlen(k->valuestring));
		cJSON_Delete(root);
	}
	if (rc == P_OK)
		rc = ghttp_check_url(a->token_uri, "key file token_uri", e);
	return rc;
}

/* Check that the key parses, so a broken key fails before any work. */
static enum perr_code
check_key(const struct gauth *a, struct perr *e)
{
	char *jwt = NULL;

	if (gauth_jwt(a->key_pem, a->key_id, a->email, a->token_uri,
		      (int64_t)time(NULL), &jwt, e))
		return e->code;
	free(jwt);
	return P_OK;
}

/* Choose the token source in the order of gauth.h and read it now; on
 * failure *AP is untouched and E says which source failed and why. */
enum perr_code
gauth_open(struct gauth **ap, const char *token_file, struct ghttp *http,
	   struct perr *e)
{
	struct gauth *a = calloc(1, sizeof(*a));
	const char *env = getenv("GOOGLE_OAUTH_ACCESS_TOKEN");
	const char *key = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	char *text = NULL;
	enum perr_code rc;

	if (a == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	a->http = http;
	if (token_file) {
		a->kind = GA_FILE;
		snprintf(a->source, sizeof(a->source),
			 "--access-token-file '%s'", token_file);
		if ((rc = read_secret(token_file, "--access-token-file",
				      &text, e)) == P_OK)
			rc = set_static_token(a, text, e);
		wipe_free(text);
	} else if (env && *env) {
		a->kind = GA_ENV;
		snprintf(a->source, sizeof(a->source),
			 "GOOGLE_OAUTH_ACCESS_TOKEN");
		rc = set_static_token(a, env, e);
	} else if (key && *key) {
		a->kind = GA_KEY;
		if ((rc = load_key(a, key, e)) == P_OK)
			rc = check_key(a, e);
		snprintf(a->source, sizeof(a->source), "service account %s",
			 a->email ? a->email : "?");
	} else
		rc = perr_set(e, P_EUSAGE, "no GCP credentials: give "
			      "--access-token-file, or set "
			      "GOOGLE_OAUTH_ACCESS_TOKEN or "
			      "GOOGLE_APPLICATION_CREDENTIALS");
	if (rc) {
		gauth_free(a);
		return rc;
	}
	*ap = a;
	return P_OK;
}

/* ---- JWT ------------------------------------------------------------ */

/* Base64url, no padding; OUT needs 4 * ((N + 2) / 3) + 1 bytes. */
size_t
gauth_b64url(const unsigned char *p, size_t n, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
		    (unsigned long)p[i + 1] << 8 | p[i + 2];

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)p[i] << 16 |
		    (i + 1 < n ? (unsigned long)p[i + 1] << 8 : 0);

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = tab[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

/* Base64url of the JSON text of O, appended at OUT. */
static size_t
b64_json(cJSON *o, char *out, size_t room)
{
	char *text = cJSON_PrintUnformatted(o);
	size_t n = text ? strlen(text) : 0;

	if (text == NULL || 4 * ((n + 2) / 3) + 1 > room) {
		free(text);
		return 0;
	}
	n = gauth_b64url((const unsigned char *)text, n, out);
	free(text);
	return n;
}

/* RSA-SHA256 (PKCS#1 v1.5) of DATA with KEY_PEM into SIG (*N bytes in,
 * the signature's length out). */
static enum perr_code
rs256(const char *key_pem, const char *data, unsigned char *sig,
      size_t *n, struct perr *e)
{
	BIO *bio = BIO_new_mem_buf(key_pem, -1);
	EVP_PKEY *pk = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) :
	    NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	enum perr_code rc = P_OK;

	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		rc = perr_set(e, P_EUSAGE, "the service-account private_key "
			      "is not a PEM RSA private key");
	else if (md == NULL ||
		 EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
		 EVP_DigestSign(md, sig, n, (const unsigned char *)data,
				strlen(data)) != 1)
		rc = perr_set(e, P_EUSAGE, "signing the JWT failed (key too "
			      "large?)");
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return rc;
}

/* The RS256 assertion for the token exchange; *OUT is malloc'd.  Fails
 * with P_EUSAGE when KEY_PEM is not a PEM RSA private key. */
enum perr_code
gauth_jwt(const char *key_pem, const char *kid, const char *iss,
	  const char *aud, int64_t iat, char **out, struct perr *e)
{
	cJSON *h = cJSON_CreateObject(), *c = cJSON_CreateObject();
	unsigned char sig[1024];
	size_t room = 8192, n = 0, slen = sizeof(sig);
	char *jwt = malloc(room);
	enum perr_code rc = P_ENOMEM;

	cJSON_AddStringToObject(h, "alg", "RS256");
	cJSON_AddStringToObject(h, "typ", "JWT");
	if (kid)
		cJSON_AddStringToObject(h, "kid", kid);
	cJSON_AddStringToObject(c, "iss", iss);
	cJSON_AddStringToObject(c, "scope", GAUTH_SCOPE);
	cJSON_AddStringToObject(c, "aud", aud);
	cJSON_AddNumberToObject(c, "iat", (double)iat);
	cJSON_AddNumberToObject(c, "exp", (double)(iat + GAUTH_JWT_LIFE_S));
	if (jwt && (n = b64_json(h, jwt, room)) > 0) {
		jwt[n++] = '.';
		n += b64_json(c, jwt + n, room - n);
	}
	cJSON_Delete(h);
	cJSON_Delete(c);
	if (jwt == NULL || n < 3)
		perr_set(e, P_ENOMEM, "out of memory");
	else if ((rc = rs256(key_pem, jwt, sig, &slen, e)) == P_OK &&
		 n + 2 + 4 * ((slen + 2) / 3) < room) {
		jwt[n++] = '.';
		gauth_b64url(sig, slen, jwt + n);
		*out = jwt;
		return P_OK;
	}
	free(jwt);
	return rc ? rc : perr_set(e, P_EUSAGE, "JWT too long");
}

/* ---- the exchange --------------------------------------------------- */

/* Pick the token out of a token endpoint's answer. */
static enum perr_code
take_token(struct gauth *a, const struct ghttp_resp *rs, int64_t t0,
	   struct perr *e)
{
	cJSON *root = rs->body ? cJSON_Parse(rs->body) : NULL;
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root,
							   "access_token");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(root,
							   "expires_in");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	enum perr_code rc = P_OK;

	if (rs->status != 200 || !cJSON_IsString(tok) ||
	    !tok->valuestring[0])
		rc = perr_set(e, P_EHTTP, "token exchange at '%s' for %s "
			      "failed: HTTP %ld%s%s", a->token_uri, a->email,
			      rs->status, cJSON_IsString(err) ? ": " : "",
			      cJSON_IsString(err) ? err->valuestring : "");
	else if ((a->token = strdup(tok->valuestring)) == NULL)
		rc = perr_set(e, P_ENOMEM, "out of memory");
	else
		a->expires_ms = t0 + (cJSON_IsNumber(exp) &&
				      exp->valuedouble > 0 ?
				      (int64_t)exp->valuedouble : 3600) * 1000;
	if (cJSON_IsString(tok))
		explicit_bzero(tok->valuestring, strlen(tok->valuestring));
	cJSON_Delete(root);
	return rc;
}

static enum perr_code
exchange(struct gauth *a, int64_t deadline_ms, struct perr *e)
{
	static const char grant[] = "grant_type=urn%3Aietf%3Aparams%3Aoauth"
	    "%3Agrant-type%3Ajwt-bearer&assertion=";
	struct ghttp_req rq = { "POST", a->token_uri, NULL,
				"application/x-www-form-urlencoded", NULL,
				30000 };
	struct ghttp_resp rs;
	int64_t t0 = ghttp_now_ms();
	char *jwt = NULL, *body;
	enum perr_code rc;

	if (gauth_jwt(a->key_pem, a->key_id, a->email, a->token_uri,
		      (int64_t)time(NULL), &jwt, e))
		return e->code;
	if ((body = malloc(sizeof(grant) + strlen(jwt))) == NULL) {
		free(jwt);
		return perr_set(e, P_ENOMEM, "out of memory");
	}
	memcpy(body, grant, sizeof(grant));
	strcat(body, jwt);
	wipe_free(jwt);
	rq.body = body;
	log_info("exchanging a JWT for an access token at %s", a->token_uri);
	rc = ghttp_send(a->http, &rq, deadline_ms, &rs, e);
	wipe_free(body);
	if (rc == P_OK)
		rc = take_token(a, &rs, t0, e);
	if (rs.body)
		explicit_bzero(rs.body, rs.len);
	ghttp_resp_release(&rs);
	return rc;
}

/* A token valid GAUTH_REFRESH_S more seconds: static sources as read,
 * a key's exchanged again when close to expiry.  *TOK is borrowed. */
enum perr_code
gauth_token(struct gauth *a, int64_t deadline_ms, const char **tok,
	    struct perr *e)
{
	if (a->kind == GA_KEY && a->token &&
	    ghttp_now_ms() + GAUTH_REFRESH_S * 1000 >= a->expires_ms) {
		wipe_free(a->token);
		a->token = NULL;
	}
	if (a->token == NULL && exchange(a, deadline_ms, e))
		return e->code;
	*tok = a->token;
	return P_OK;
}

static enum perr_code
iface_token(void *ctx, int64_t deadline_ms, const char **tok,
	    struct perr *e)
{
	return gauth_token(ctx, deadline_ms, tok, e);
}

static int
iface_invalidate(void *ctx)
{
	struct gauth *a = ctx;

	if (a->kind != GA_KEY)
		return 0;
	wipe_free(a->token);
	a->token = NULL;
	return 1;
}

/* A's token and invalidate functions, for struct ghttp_req. */
struct ghttp_auth
gauth_interface(struct gauth *a)
{
	struct ghttp_auth i = { iface_token, iface_invalidate, a };

	return i;
}
