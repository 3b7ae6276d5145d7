#!/bin/sh
# deps.sh - install the Debian packages planner needs to build and test,
# and only those that are missing.  Run by `make deps` (and so by
# `make demo` and `make test`).  Does nothing when all are present.
set -eu
need="gcc make pkg-config libsqlite3-dev libcsv-dev libcurl4-openssl-dev
libcjson-dev libssl-dev libcairo2-dev libpango1.0-dev sqlite3 jq poppler-utils
python3 openssl groff-base clang libclang-rt-14-dev libmaxminddb-dev mmdb-bin
libmaxmind-db-writer-perl
fonts-dejavu-core"
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "planner: installing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
