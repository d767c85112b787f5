#!/usr/bin/env bash
# Schema discovery on a 1,000-table schema, on PostgreSQL, MariaDB and
# SQLite. For each backend it creates a scratch database (tables with
# foreign keys, unique constraints and indexes, an enum, some views), then
# times
#
#   - discovery alone: `hasone_generate::discover::tables`
#     (generate/examples/discover.rs),
#   - the whole `hasone generate` writing a project into an empty folder,
#     `hasone generate --check` on it, and `hasone generate` with a
#     `rustfmt` on the PATH that only copies (what formatting costs),
#   - "before": sea-schema's `SchemaDiscovery` (what `hasone generate` used
#     until the catalog discovery), on PostgreSQL on a schema of
#     $SEA_TABLES_PG tables of the same database (it takes minutes per
#     hundred tables there), extrapolated to $TABLES tables per table,
#
# drops the scratch databases and prints the numbers as a Markdown table.
#
#   bench/discovery.sh                # 1,000 tables
#   TABLES=200 bench/discovery.sh     # smaller
#   BENCH_WRITE=1 bench/discovery.sh  # also rewrite the "Schema discovery"
#                                     # section of BENCHMARKS.md
#
# Environment: HASONE_BENCH_POSTGRES_URL (default
# postgres://postgres@127.0.0.1:5432/postgres: any database of the server;
# the scratch database is created next to it), HASONE_BENCH_MYSQL_URL
# (default mysql://root@127.0.0.1:3306), TABLES (1000), SEA_TABLES_PG (50),
# BENCH_PROFILE (release; `dev` for a quick run). Needs psql, mysql (the
# client) and sqlite3.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TABLES=${TABLES:-1000}
SEA_TABLES_PG=${SEA_TABLES_PG:-50}
PROFILE=${BENCH_PROFILE:-release}
PG_ADMIN=${HASONE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
MY_ADMIN=${HASONE_BENCH_MYSQL_URL:-mysql://root@127.0.0.1:3306}
NAME=hasone_bench_discovery_$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hasone-discovery.XXXXXX")

# `scheme://authority/db?params` with the database replaced by $2.
with_database() {
    local url=$1 name=$2 base params=""
    base=${url%%\?*}
    [[ $url == *\?* ]] && params="?${url#*\?}"
    local rest=${base#*://}
    [[ $rest == */* ]] && base=${base%/*}
    echo "$base/$name$params"
}

# The mysql client's arguments for a mysql:// URL (password through
# MYSQL_PWD, never on the command line).
mysql_args() {
    local rest=${1#*://}
    rest=${rest%%/*}
    local user=root host=$rest port=3306
    if [[ $rest == *@* ]]; then
        user=${rest%@*}
        host=${rest##*@}
    fi
    if [[ $user == *:* ]]; then
        export MYSQL_PWD=${user#*:}
        user=${user%%:*}
    fi
    [[ $host == *:* ]] && port=${host##*:} && host=${host%:*}
    echo "-h $host -P $port -u $user"
}

cleanup() {
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $NAME" >/dev/null 2>&1 || true
    # shellcheck disable=SC2046
    mysql $(mysql_args "$MY_ADMIN") -e "DROP DATABASE IF EXISTS $NAME" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# t_0001 .. t_$1 (and a view every 20th table) for backend $2: an id,
# texts, a unique code, an enum, a decimal, a timestamp with a default, a
# foreign key to the previous table, every 5th table a one-to-one foreign
# key to the first, a composite unique constraint, every 10th table a
# partial unique index (PostgreSQL, SQLite).
schema_sql() {
    local n=$1 backend=$2 i t prev
    case $backend in
    postgres) echo "CREATE TYPE status AS ENUM ('new', 'active', 'closed');" ;;
    esac
    for ((i = 1; i <= n; i++)); do
        t=$(printf 't_%04d' "$i")
        prev=$(printf 't_%04d' "$((i - 1))")
        case $backend in
        postgres)
            echo "CREATE TABLE $t (id serial PRIMARY KEY, name text NOT NULL, code varchar(32) NOT NULL UNIQUE,"
            echo "  status status NOT NULL DEFAULT 'new', amount numeric(10,2), created_at timestamptz NOT NULL DEFAULT now()"
            ((i > 1)) && echo "  , parent_id integer REFERENCES $prev (id) ON DELETE SET NULL"
            ((i % 5 == 0)) && echo "  , owner_id integer UNIQUE REFERENCES t_0001 (id) ON DELETE CASCADE"
            echo "  , UNIQUE (name, status));"
            ((i % 10 == 0)) && echo "CREATE UNIQUE INDEX ${t}_active ON $t (name) WHERE status = 'active';"
            ;;
        mysql)
            echo "CREATE TABLE $t (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, code varchar(32) NOT NULL UNIQUE,"
            echo "  status enum('new', 'active', 'closed') NOT NULL DEFAULT 'new', amount decimal(10,2),"
            echo "  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"
            ((i > 1)) && echo "  , parent_id int, FOREIGN KEY (parent_id) REFERENCES $prev (id) ON DELETE SET NULL"
            ((i % 5 == 0)) && echo "  , owner_id int UNIQUE, FOREIGN KEY (owner_id) REFERENCES t_0001 (id) ON DELETE CASCADE"
            echo "  , UNIQUE (name, status));"
            ;;
        sqlite)
            echo "CREATE TABLE $t (id integer PRIMARY KEY AUTOINCREMENT, name text NOT NULL, code varchar(32) NOT NULL UNIQUE,"
            echo "  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed')), amount decimal(10,2),"
            echo "  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"
            ((i > 1)) && echo "  , parent_id integer REFERENCES $prev (id) ON DELETE SET NULL"
            ((i % 5 == 0)) && echo "  , owner_id integer UNIQUE REFERENCES t_0001 (id) ON DELETE CASCADE"
            echo "  , UNIQUE (name, status));"
            ((i % 10 == 0)) && echo "CREATE UNIQUE INDEX ${t}_active ON $t (name) WHERE status = 'active';"
            ;;
        esac
        ((i % 20 == 0)) && echo "CREATE VIEW $(printf 'v_%04d' "$i") AS SELECT id, name, status FROM $t;"
    done
    return 0
}

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# Runs "$@" (quietly) and prints how long it took, in seconds.
timed() {
    local start end
    start=$(now)
    "$@" >"$WORK/last.log" 2>&1 || {
        cat "$WORK/last.log" >&2
        return 1
    }
    end=$(now)
    echo "$end - $start" | bc -l | xargs printf '%.2f'
}

# The `seconds=` and `relations=` of one discover example run.
discover_run() {
    "$DISCOVER" "$@" | tee -a "$WORK/discover.log"
}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "building ($PROFILE)..." >&2
cd "$REPO"
if [[ $PROFILE == release ]]; then
    cargo build --release -q -p hasone-generate --example discover
    cargo build --release -q -p hasone-server --bin hasone
    BIN=$REPO/target/release
else
    cargo build -q -p hasone-generate --example discover
    cargo build -q -p hasone-server --bin hasone
    BIN=$REPO/target/debug
fi
DISCOVER=$BIN/examples/discover
HASONE=$BIN/hasone

declare -A URL SEA_URL SEA_ARGS ARGS SEA_N
echo "creating $TABLES tables on PostgreSQL, MariaDB and SQLite..." >&2
psql "$PG_ADMIN" -qc "CREATE DATABASE $NAME" >/dev/null
URL[postgres]=$(with_database "$PG_ADMIN" "$NAME")
{
    echo "CREATE SCHEMA bench; SET search_path TO bench;"
    schema_sql "$TABLES" postgres
    # sea-schema fails on an enum outside the search_path: public.
    echo "SET search_path TO public;"
    schema_sql "$SEA_TABLES_PG" postgres
} | psql "${URL[postgres]}" -q -v ON_ERROR_STOP=1 >/dev/null
ARGS[postgres]=bench
SEA_URL[postgres]=${URL[postgres]}
SEA_ARGS[postgres]=public
SEA_N[postgres]=$SEA_TABLES_PG

# shellcheck disable=SC2046
mysql $(mysql_args "$MY_ADMIN") -e "CREATE DATABASE $NAME"
{
    echo "SET foreign_key_checks = 0;"
    schema_sql "$TABLES" mysql
} | mysql $(mysql_args "$MY_ADMIN") "$NAME"
URL[mysql]=$(with_database "$MY_ADMIN" "$NAME")
ARGS[mysql]=""
SEA_URL[mysql]=${URL[mysql]}
SEA_ARGS[mysql]=""
SEA_N[mysql]=$TABLES

schema_sql "$TABLES" sqlite | sqlite3 "$WORK/bench.sqlite"
URL[sqlite]="sqlite://$WORK/bench.sqlite"
ARGS[sqlite]=""
SEA_URL[sqlite]=${URL[sqlite]}
SEA_ARGS[sqlite]=""
SEA_N[sqlite]=$TABLES

mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexec cat\n' >"$WORK/bin/rustfmt"
chmod +x "$WORK/bin/rustfmt"

ROWS=()
for backend in postgres mysql sqlite; do
    echo "$backend: sea-schema on ${SEA_N[$backend]} tables..." >&2
    # shellcheck disable=SC2086
    before=$(discover_run "${SEA_URL[$backend]}" ${SEA_ARGS[$backend]} --sea-schema)
    sea_s=$(field seconds "$before")
    sea_n=$(field relations "$before")
    sea_1000=$(echo "$sea_s * $TABLES / $sea_n" | bc -l | xargs printf '%.1f')
    echo "$backend: discovery..." >&2
    # shellcheck disable=SC2086
    after=$(discover_run "${URL[$backend]}" ${ARGS[$backend]})
    n=$(field relations "$after")
    s=$(field seconds "$after")
    schema_flag=()
    [[ -n ${ARGS[$backend]} ]] && schema_flag=(--database-schema "${ARGS[$backend]}")
    out="$WORK/out-$backend"
    echo "$backend: hasone generate..." >&2
    gen=$(timed "$HASONE" generate --database-url "${URL[$backend]}" "${schema_flag[@]}" --out "$out")
    check=$(timed "$HASONE" generate --database-url "${URL[$backend]}" "${schema_flag[@]}" --out "$out" --check)
    # The same with a rustfmt that only copies: what formatting costs.
    nofmt=$(PATH="$WORK/bin:$PATH" timed "$HASONE" generate --database-url "${URL[$backend]}" "${schema_flag[@]}" --out "$out-nofmt")
    ROWS+=("| $backend | $n | $sea_s s on $sea_n tables (≈ $sea_1000 s for $TABLES) | $s s | $gen s | $check s | $nofmt s |")
done

TABLE=$(
    echo "| backend | relations found (tables + views) | before: sea-schema | after: discovery | \`hasone generate\` (whole, writes) | \`hasone generate --check\` | \`hasone generate\`, rustfmt replaced by \`cat\` |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS[@]}"
)
echo
echo "$TABLE"

if [[ ${BENCH_WRITE:-0} == 1 ]]; then
    SECTION="$WORK/section.md"
    {
        echo "<!-- discovery:begin (written by bench/discovery.sh) -->"
        echo "## Schema discovery"
        echo
        echo "Written by \`BENCH_WRITE=1 bench/discovery.sh\` on $(date -u '+%Y-%m-%d %H:%M:%S UTC'): $(nproc) cores (load average $LOAD when it started, $(cut -d' ' -f1-3 /proc/loadavg) when it ended: other work on the machine slows the whole-command columns), $TABLES tables (a foreign key each, unique constraints and indexes, an enum, a view every 20th table) on PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1), $(mysql $(mysql_args "$MY_ADMIN") -NBe 'SELECT VERSION()') and SQLite $(sqlite3 --version | cut -d' ' -f1), $PROFILE build."
        echo "\"before\" is sea-schema's \`SchemaDiscovery\` (what \`hasone generate\` used until the catalog discovery; base tables only); on PostgreSQL measured on a schema of $SEA_TABLES_PG tables in the same database and extrapolated linearly to $TABLES tables, elsewhere measured on the $TABLES tables. \"after\" is \`hasone_generate::discover::tables\` alone; the \`hasone generate\` columns time the whole command (discovery, analysis, code generation, rustfmt, writing), the last one with a \`rustfmt\` that only copies its input (\`generate\` runs one \`rustfmt\` process per file)."
        echo
        echo "$TABLE"
        echo "<!-- discovery:end -->"
    } >"$SECTION"
    python3 - "$REPO/BENCHMARKS.md" "$SECTION" <<'EOF'
import re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read()
pattern = re.compile(r"<!-- discovery:begin.*?<!-- discovery:end -->\n", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
EOF
    echo "wrote the Schema discovery section of $REPO/BENCHMARKS.md" >&2
fi
