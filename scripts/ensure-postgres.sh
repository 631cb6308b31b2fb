#!/bin/sh
# Make sure PostgreSQL's server binaries (initdb, pg_ctl) and its contrib extensions (unaccent) are
# here, for the PostgreSQL pass of the test suite (tests/pg.py starts a throw-away server with them).
# Idempotent: installs the distribution's packages with apt-get only when something is missing.
# With REFDB_TEST_PG_URL set the suite uses that server instead, and nothing is installed.
set -eu

if [ -n "${REFDB_TEST_PG_URL:-}" ]; then
    echo "ensure-postgres: using the server in REFDB_TEST_PG_URL; nothing to install"
    exit 0
fi

find_bin() {  # like tests/pg.py: PATH first, then the newest /usr/lib/postgresql/<version>/bin
    if command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
        return 0
    fi
    ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -t/ -k5,5 -n | tail -n 1
}

have_unaccent() {
    ls /usr/share/postgresql/*/extension/unaccent.control >/dev/null 2>&1 && return 0
    # a PostgreSQL not from the distribution: ask it where its extensions are
    pg_config=$(find_bin pg_config)
    [ -n "$pg_config" ] && [ -f "$("$pg_config" --sharedir)/extension/unaccent.control" ]
}

initdb=$(find_bin initdb)
pg_ctl=$(find_bin pg_ctl)
if [ -z "$initdb" ] || [ -z "$pg_ctl" ] || ! have_unaccent; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ensure-postgres: no PostgreSQL server binaries (initdb, pg_ctl) or no unaccent extension," >&2
        echo "and no apt-get to install them: install PostgreSQL with its contrib extensions," >&2
        echo "or point REFDB_TEST_PG_URL at a server (postgresql+psycopg://user@host:port/postgres)" >&2
        exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "ensure-postgres: PostgreSQL is missing and installing it needs root (no sudo here)" >&2
        exit 1
    fi
    echo "ensure-postgres: installing postgresql and postgresql-contrib with apt-get"
    $sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null'
    initdb=$(find_bin initdb)
    pg_ctl=$(find_bin pg_ctl)
    if [ -z "$initdb" ] || [ -z "$pg_ctl" ] || ! have_unaccent; then
        echo "ensure-postgres: installed PostgreSQL, but still no initdb/pg_ctl/unaccent" >&2
        exit 1
    fi
fi

# As root, tests/pg.py runs initdb and pg_ctl as the 'postgres' user (initdb refuses root).
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "ensure-postgres: creating the 'postgres' system user (initdb refuses to run as root)"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
fi

echo "ensure-postgres: initdb $initdb"
echo "ensure-postgres: pg_ctl $pg_ctl ($("$pg_ctl" --version))"
