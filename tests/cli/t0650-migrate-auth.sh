#!/bin/sh
# t0650 - credentials for the wave: a service-account key exchanged for a
# token (JWT signed RS256, checked by the stub against the public key),
# refreshed before it expires and after a 401; a token from the
# environment; refusals; and no token ever in a log or the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/miglib.sh"
start_listener

# migk [ARGS...]: the wave without --access-token-file.
migk() {
	"$PLANNER" --db "$DB" --month 2025-06 --migrate --api-endpoint "$STUB" \
		--probe-via local --probe-port "$LPORT" "$@"
}

# key_file PEM TOKEN_URI OUT: a service-account key file, mode 600.
key_file() {
	python3 - "$1" "$2" >"$3" <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "project_id": "test-proj",
                  "private_key_id": "0123abcd",
                  "private_key": open(sys.argv[1]).read(),
                  "client_email": "planner@test-proj.iam.gserviceaccount.com",
                  "token_uri": sys.argv[2]}))
PY
	chmod 600 "$3"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$T/key.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$T/other.pem" 2>/dev/null
MOD=$(openssl rsa -in "$T/key.pem" -noout -modulus | sed 's/.*=//')

# The JWT flow, with the signature checked.
fresh --jwt-modulus "$MOD"
key_file "$T/key.pem" "$STUB/token" "$T/sa.json"
export GOOGLE_APPLICATION_CREDENTIALS="$T/sa.json"
expect_status 0 "service account: moved" migk --max-migrations 1 -v -v
expect_eq "service account: one exchange" \
	"$(sstate | jq .counters.token_requests)" 1
expect_eq "service account: the exchange succeeded" "$(jq -r \
	'select(.path == "/token") | .status' "$T/stub.log")" 200
check "no token in the log" sh -c "! grep -q 'stub-token' '$T/err' '$T/out'"
check "no Authorization header in the log" sh -c \
	"! grep -qi 'bearer' '$T/err' '$T/out'"
check "no token in the database" sh -c "! grep -q 'stub-token' '$DB'"
check "no key in the database" sh -c "! grep -q 'PRIVATE KEY' '$DB'"

# A token that lives 302 s is exchanged again 300 s before it expires:
# here, every 2 s of a slower wave.
fresh --jwt-modulus "$MOD" --token-lifetime 302 --op-delay 1
key_file "$T/key.pem" "$STUB/token" "$T/sa.json"
expect_status 0 "short-lived tokens: moved" migk --max-migrations 1
check "short-lived tokens: exchanged again before expiry" \
	test "$(sstate | jq .counters.token_requests)" -ge 2
expect_eq "short-lived tokens: never refused" "$(jq -r \
	'select(.status == 401) | .path' "$T/stub.log")" ""

# A token the server forgets (401) is exchanged again, once.
fresh --jwt-modulus "$MOD" --op-delay 1 \
	--control '{"hang": {"match": "POST .*/instances\\?", "when": "after"}}'
key_file "$T/key.pem" "$STUB/token" "$T/sa.json"
"$PLANNER" --db "$DB" --month 2025-06 --migrate --api-endpoint "$STUB" \
	--probe-via local --probe-port "$LPORT" --max-migrations 1 \
	>"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ "$(sstate | jq -r .held)" != true ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
ctl '{"revoke_tokens": true}'
ctl '{"release": true}'
wait $pid
expect_eq "revoked token: moved anyway" "$?" 0
expect_eq "revoked token: one 401, then a new token" "$(jq -r \
	'select(.status == 401) | .status' "$T/stub.log" | wc -l) $(sstate |
	jq .counters.token_requests)" "1 2"

# A key the server does not know: the exchange fails, exit 1.
fresh --jwt-modulus "$MOD"
key_file "$T/other.pem" "$STUB/token" "$T/sa.json"
expect_status 1 "unknown key: runtime failure" migk --max-migrations 1
check "unknown key: the reason" grep -q \
	"token exchange at .* failed: HTTP 400: invalid_grant" "$T/err"

# Refusals before any work.
key_file "$T/key.pem" "$STUB/token" "$T/sa.json"
chmod 640 "$T/sa.json"
expect_status 2 "key file readable by the group" migk
check "key file mode explained" grep -q "mode 0640" "$T/err"
printf '{"type": "authorized_user"}' >"$T/user.json"
chmod 600 "$T/user.json"
expect_status 2 "not a service-account key" env \
	GOOGLE_APPLICATION_CREDENTIALS="$T/user.json" "$PLANNER" --db "$DB" \
	--migrate --api-endpoint "$STUB"
key_file "$T/key.pem" "http://192.0.2.1/token" "$T/far.json"
expect_status 2 "token_uri over http to another host" env \
	GOOGLE_APPLICATION_CREDENTIALS="$T/far.json" "$PLANNER" --db "$DB" \
	--migrate --api-endpoint "$STUB"
check "token_uri refusal" grep -q "loopback" "$T/err"
printf 'garbage\n' >"$T/bad.pem"
key_file "$T/bad.pem" "$STUB/token" "$T/bad.json"
expect_status 2 "a key that is not PEM RSA" env \
	GOOGLE_APPLICATION_CREDENTIALS="$T/bad.json" "$PLANNER" --db "$DB" \
	--migrate --api-endpoint "$STUB"
unset GOOGLE_APPLICATION_CREDENTIALS

# A token from the environment.
fresh
expect_status 0 "GOOGLE_OAUTH_ACCESS_TOKEN: moved" env \
	GOOGLE_OAUTH_ACCESS_TOKEN=test-token "$PLANNER" --db "$DB" \
	--month 2025-06 --migrate --api-endpoint "$STUB" --probe-via local \
	--probe-port "$LPORT" --max-migrations 1

# A wrong static token: one 401, no retry storm, exit 1.
fresh
expect_status 1 "wrong token: runtime failure" env \
	GOOGLE_OAUTH_ACCESS_TOKEN=wrong-token "$PLANNER" --db "$DB" \
	--month 2025-06 --migrate --api-endpoint "$STUB" --probe-via local \
	--probe-port "$LPORT" --max-migrations 1
check "wrong token: HTTP 401 said" grep -q "HTTP 401" "$T/err"
check "wrong token: not in the message" sh -c \
	"! grep -q wrong-token '$T/err'"
expect_eq "wrong token: asked once" "$(grep -c . "$T/stub.log")" 1
expect_eq "wrong token: the move stays open for the next run" \
	"$(q "SELECT state FROM migration")" started
finish
