/*
 * gauth.h - bearer tokens for the GCP API.
 *
 * Where the token comes from, first found wins:
 *   1. --access-token-file FILE: the token as the file's only content;
 *   2. the environment variable GOOGLE_OAUTH_ACCESS_TOKEN;
 *   3. the service-account key file named by
 *      GOOGLE_APPLICATION_CREDENTIALS: a JWT (RS256, signed with the
 *      key's private_key through OpenSSL) is exchanged at the key's
 *      token_uri for an access token, which is cached and exchanged
 *      again GAUTH_REFRESH_S seconds before it expires.
 * Files holding secrets must be regular files that neither group nor
 * others may read or write (like ssh keys); others are refused.  Tokens
 * and keys never reach a log line, an error message or the database, and
 * their memory is wiped before it is freed.
 *
 * Ownership: gauth_open() allocates; gauth_free() wipes and frees.  The
 * struct ghttp given to gauth_open() is borrowed and must outlive it.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_GAUTH_H
#define PLANNER_GAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ghttp.h"

#define GAUTH_SCOPE	"https://www.googleapis.com/auth/compute"
#define GAUTH_TOKEN_URI	"https://oauth2.googleapis.com/token"
/* Exchange again this many seconds before the token expires. */
#define GAUTH_REFRESH_S	300
#define GAUTH_JWT_LIFE_S 3600	/* the longest an assertion may live */

struct gauth;

/* Find the token source (see above) and read it: files are read and
 * checked now, the key is parsed now, nothing is sent yet.  TOKEN_FILE
 * may be NULL.  P_EUSAGE when there is no source or a file is refused. */
enum perr_code gauth_open(struct gauth **a, const char *token_file,
			  struct ghttp *http, struct perr *e);
void gauth_free(struct gauth *a);

/* "--access-token-file", "GOOGLE_OAUTH_ACCESS_TOKEN" or
 * "service-account <client_email>", for messages. */
const char *gauth_source(const struct gauth *a);

/* The ghttp_auth interface over A (for struct ghttp_req). */
struct ghttp_auth gauth_interface(struct gauth *a);

/* A token that stays valid for GAUTH_REFRESH_S more seconds, exchanging
 * a new one when needed (before DEADLINE_MS).  *TOK is borrowed until
 * the next call. */
enum perr_code gauth_token(struct gauth *a, int64_t deadline_ms,
			   const char **tok, struct perr *e);

/* Base64url without padding of N bytes at P into OUT, which needs
 * 4 * ((N + 2) / 3) + 1 bytes.  Returns the length written. */
size_t gauth_b64url(const unsigned char *p, size_t n, char *out);

/* The signed assertion for the exchange: header {"alg":"RS256",
 * "typ":"JWT"[,"kid":KID]}, claims {"iss":ISS,"scope":GAUTH_SCOPE,
 * "aud":AUD,"iat":IAT,"exp":IAT+GAUTH_JWT_LIFE_S}, signed with the PEM
 * private key KEY_PEM.  *OUT is malloc'd; the caller frees it. */
enum perr_code gauth_jwt(const char *key_pem, const char *kid,
			 const char *iss, const char *aud, int64_t iat,
			 char **out, struct perr *e);

#endif
