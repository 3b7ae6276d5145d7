/*
 * test_gauth.c - credentials: base64url, the RS256 JWT (verified here
 * with the public key), and which secret files are refused.  No network:
 * nothing here exchanges a token.
 *
 * Owned by the migration work.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gauth.h"
#include "t.h"

static char dir[] = "/tmp/test_gauth.XXXXXX";

static void
test_b64url(void)
{
	static const unsigned char bin[] = { 0xfb, 0xff };
	char out[16];

	gauth_b64url((const unsigned char *)"", 0, out);
	CHECK_STR(out, "");
	gauth_b64url((const unsigned char *)"f", 1, out);
	CHECK_STR(out, "Zg");
	gauth_b64url((const unsigned char *)"fo", 2, out);
	CHECK_STR(out, "Zm8");
	gauth_b64url((const unsigned char *)"foo", 3, out);
	CHECK_STR(out, "Zm9v");
	CHECK_INT(gauth_b64url(bin, 2, out), 3);
	CHECK_STR(out, "-_8");		/* "+/8=" in plain base64 */
}

/* Base64url decoding, for checking. */
static size_t
unb64(const char *s, size_t n, unsigned char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned long v = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		v = v << 6 | (unsigned long)(strchr(tab, s[i]) - tab);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	return o;
}

static char *
pem_of(EVP_PKEY *pk)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *s = NULL;
	long n;

	if (PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL) == 1) {
		n = BIO_get_mem_data(b, &p);
		s = strndup(p, (size_t)n);
	}
	BIO_free(b);
	return s;
}

static cJSON *
part(const char *jwt, int i)
{
	unsigned char buf[2048];
	const char *p = jwt;
	size_t n;

	while (i-- > 0)
		p = strchr(p, '.') + 1;
	n = unb64(p, strcspn(p, "."), buf);
	buf[n] = '\0';
	return cJSON_Parse((char *)buf);
}

static void
test_jwt(EVP_PKEY *pk, const char *pem)
{
	unsigned char sig[512];
	char *jwt = NULL;
	const char *dot;
	struct perr e;
	cJSON *h, *c;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t n;

	CHECK_INT(gauth_jwt(pem, "kid1", "sa@p.iam.gserviceaccount.com",
			    "https://oauth2.googleapis.com/token", 1700000000,
			    &jwt, &e), P_OK);
	h = part(jwt, 0);
	c = part(jwt, 1);
	CHECK_STR(cJSON_GetObjectItem(h, "alg")->valuestring, "RS256");
	CHECK_STR(cJSON_GetObjectItem(h, "kid")->valuestring, "kid1");
	CHECK_STR(cJSON_GetObjectItem(c, "iss")->valuestring,
		  "sa@p.iam.gserviceaccount.com");
	CHECK_STR(cJSON_GetObjectItem(c, "scope")->valuestring, GAUTH_SCOPE);
	CHECK_STR(cJSON_GetObjectItem(c, "aud")->valuestring,
		  "https://oauth2.googleapis.com/token");
	CHECK_INT(cJSON_GetObjectItem(c, "iat")->valuedouble, 1700000000);
	CHECK_INT(cJSON_GetObjectItem(c, "exp")->valuedouble,
		  1700000000 + 3600);
	cJSON_Delete(h);
	cJSON_Delete(c);

	/* The signature verifies with the public key, over "header.claims". */
	dot = strrchr(jwt, '.');
	n = unb64(dot + 1, strlen(dot + 1), sig);
	CHECK_INT(n, 256);
	CHECK_INT(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk), 1);
	CHECK_INT(EVP_DigestVerify(md, sig, n, (unsigned char *)jwt,
				   (size_t)(dot - jwt)), 1);
	sig[10] ^= 1;
	EVP_MD_CTX_reset(md);
	EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk);
	CHECK(EVP_DigestVerify(md, sig, n, (unsigned char *)jwt,
			       (size_t)(dot - jwt)) != 1);
	EVP_MD_CTX_free(md);
	free(jwt);
	CHECK_INT(gauth_jwt("not a key", NULL, "a", "b", 1, &jwt, &e),
		  P_EUSAGE);
}

static void
test_not_rsa(void)
{
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	char *pem = pem_of(ec), *jwt = NULL;
	struct perr e;

	CHECK_INT(gauth_jwt(pem, NULL, "a", "b", 1, &jwt, &e), P_EUSAGE);
	CHECK(strstr(e.msg, "RSA") != NULL);
	free(pem);
	EVP_PKEY_free(ec);
}

static const char *
put_file(const char *name, const char *text, mode_t mode)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
	chmod(path, mode);
	return path;
}

static enum perr_code
open_with(const char *token_file, struct ghttp *h, struct perr *e)
{
	struct gauth *a = NULL;
	enum perr_code rc = gauth_open(&a, token_file, h, e);

	gauth_free(a);
	return rc;
}

static void
test_sources(const char *pem)
{
	struct ghttp *h;
	struct gauth *a;
	struct perr e;
	const char *tok;
	cJSON *key = cJSON_CreateObject();
	char *text;

	CHECK_INT(ghttp_open(&h, &e), P_OK);
	unsetenv("GOOGLE_OAUTH_ACCESS_TOKEN");
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	CHECK_INT(open_with(NULL, h, &e), P_EUSAGE);
	CHECK(strstr(e.msg, "no GCP credentials") != NULL);

	/* A token file: private, one word. */
	CHECK_INT(gauth_open(&a, put_file("t1", "ya29.tok\n", 0600), h, &e),
		  P_OK);
	CHECK_INT(gauth_token(a, 0, &tok, &e), P_OK);
	CHECK_STR(tok, "ya29.tok");
	gauth_free(a);
	CHECK_INT(open_with(put_file("t2", "ya29.tok\n", 0644), h, &e),
		  P_EUSAGE);
	CHECK(strstr(e.msg, "mode 0644") != NULL);
	CHECK(strstr(e.msg, "ya29") == NULL);	/* never the secret */
	CHECK_INT(open_with(put_file("t3", "ya29.tok\n", 0660), h, &e),
		  P_EUSAGE);
	CHECK_INT(open_with(put_file("t4", "\n", 0600), h, &e), P_EUSAGE);
	CHECK_INT(open_with(put_file("t5", "two words\n", 0600), h, &e),
		  P_EUSAGE);
	CHECK_INT(open_with(dir, h, &e), P_EUSAGE);	/* not a file */

	/* The environment's token. */
	setenv("GOOGLE_OAUTH_ACCESS_TOKEN", "env-token", 1);
	CHECK_INT(gauth_open(&a, NULL, h, &e), P_OK);
	CHECK_INT(gauth_token(a, 0, &tok, &e), P_OK);
	CHECK_STR(tok, "env-token");
	CHECK_STR(gauth_source(a), "GOOGLE_OAUTH_ACCESS_TOKEN");
	gauth_free(a);
	unsetenv("GOOGLE_OAUTH_ACCESS_TOKEN");

	/* A service-account key: read and checked, nothing sent yet. */
	cJSON_AddStringToObject(key, "type", "service_account");
	cJSON_AddStringToObject(key, "client_email", "sa@p.iam");
	cJSON_AddStringToObject(key, "private_key", pem);
	cJSON_AddStringToObject(key, "token_uri", "http://127.0.0.1:9/token");
	text = cJSON_Print(key);
	setenv("GOOGLE_APPLICATION_CREDENTIALS", put_file("k1", text, 0600),
	       1);
	CHECK_INT(gauth_open(&a, NULL, h, &e), P_OK);
	CHECK_STR(gauth_source(a), "service account sa@p.iam");
	gauth_free(a);
	setenv("GOOGLE_APPLICATION_CREDENTIALS", put_file("k2", text, 0640),
	       1);
	CHECK_INT(open_with(NULL, h, &e), P_EUSAGE);
	free(text);
	cJSON_ReplaceItemInObject(key, "token_uri",
				  cJSON_CreateString("http://192.0.2.1/t"));
	text = cJSON_Print(key);
	setenv("GOOGLE_APPLICATION_CREDENTIALS", put_file("k3", text, 0600),
	       1);
	CHECK_INT(open_with(NULL, h, &e), P_EUSAGE);
	CHECK(strstr(e.msg, "loopback") != NULL);
	free(text);
	setenv("GOOGLE_APPLICATION_CREDENTIALS",
	       put_file("k4", "{\"type\":\"authorized_user\"}", 0600), 1);
	CHECK_INT(open_with(NULL, h, &e), P_EUSAGE);
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	cJSON_Delete(key);
	ghttp_free(h);
}

static void
cleanup(void)
{
	static const char *const names[] = {
		"t1", "t2", "t3", "t4", "t5", "k1", "k2", "k3", "k4"
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	char *pem = pem_of(pk);

	if (mkdtemp(dir) == NULL || pem == NULL) {
		perror("test_gauth: setup");
		return 1;
	}
	T_RUN(test_b64url);
	test_jwt(pk, pem);
	T_RUN(test_not_rsa);
	test_sources(pem);
	cleanup();
	free(pem);
	EVP_PKEY_free(pk);
	return T_DONE();
}
