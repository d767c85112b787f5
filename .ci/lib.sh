# Helpers for .ci/run: services and summaries.

# Each step is announced with the time since the run started, and the time
# the step before it took goes to target/ci-times.txt (printed at the end).
step() {
  if [ -n "${STEP_NAME:-}" ]; then
    mkdir -p target
    printf '%5ds  %s\n' "$((SECONDS - STEP_STARTED))" "$STEP_NAME" >>target/ci-times.txt
  fi
  STEP_NAME="$*" STEP_STARTED=$SECONDS
  printf '\n==> [%dm%02ds] %s\n' "$((SECONDS / 60))" "$((SECONDS % 60))" "$*"
}

wait_for() { # wait_for NAME SECONDS COMMAND...
  local name=$1 seconds=$2
  shift 2
  for _ in $(seq "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "$name did not come up within ${seconds}s" >&2
  return 1
}

start_postgres() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    step "starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  wait_for PostgreSQL 60 psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1'
}

start_mariadb() {
  if ! mysqladmin -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
    step "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  fi
  wait_for MariaDB 60 mysql -h 127.0.0.1 -uroot -e 'select 1' test
}

# Databases that failed tests leave behind (they are kept for debugging).
drop_stale_test_databases() {
  local db
  for db in $(psql -h 127.0.0.1 -U postgres -d test -Atc \
      "select datname from pg_database where datname like 'hasone\_t\_%'"); do
    psql -h 127.0.0.1 -U postgres -d test -qc "drop database if exists \"$db\"" || true
  done
  for db in $(mysql -h 127.0.0.1 -uroot -N -e \
      "select schema_name from information_schema.schemata where schema_name like 'hasone\\_t\\_%'"); do
    # Tenant databases reference their main one: drop without checking.
    mysql -h 127.0.0.1 -uroot -e "set foreign_key_checks = 0; drop database if exists \`$db\`" || true
  done
}

summarize_backends() { # summarize_backends LOG
  step "tests per backend"
  local backend
  for backend in sqlite postgres mysql; do
    printf '%-9s %4d passed\n' "$backend" "$(grep -c "::${backend}::.* ok$" "$1" || true)"
  done
  printf '%-9s %4d passed\n' "other" "$(grep '^test .* ok$' "$1" | grep -vc '::\(sqlite\|postgres\|mysql\)::' || true)"
}
