# A private PostgreSQL cluster for tests that stop, restart or replicate a
# server (the shared one on 5432 is never stopped). Sourced by CI steps:
#
#   source .ci/pg-private.sh
#   pg_private_start NAME PORT     # initdb + start, as the postgres user
#   pg_private_replica NAME PRIMARY_PORT PORT  # a streaming replica of it
#   pg_private_ctl NAME start|stop # what HASONE_TEST_PG_CTL runs
#   pg_private_remove NAME         # stop and delete
#
# Clusters live under ${HASONE_PG_PRIVATE_DIR:-/tmp/hasone-pg}/NAME, trust
# authentication, listening on 127.0.0.1:PORT only, a database `test`.

PG_PRIVATE_ROOT=${HASONE_PG_PRIVATE_DIR:-/tmp/hasone-pg}
PG_BIN=/usr/lib/postgresql/$(ls /etc/postgresql | sort -V | tail -n 1)/bin

as_postgres() { runuser -u postgres -- "$@"; }

pg_private_start() { # NAME PORT [initdb args...]
  local name=$1 port=$2 dir="$PG_PRIVATE_ROOT/$1"
  shift 2
  pg_private_remove "$name"
  # A port inside the ephemeral range (ip_local_port_range) can be held by
  # any outgoing connection, so private clusters use ports below it.
  local low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  if [ "$port" -ge "$low" ]; then
    echo "port $port is in the ephemeral range (from $low); pick one below it" >&2
    return 1
  fi
  # Only a listener blocks the port: connections in TIME-WAIT from an
  # earlier cluster on it do not (PostgreSQL binds with SO_REUSEADDR).
  if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
    echo "port $port is taken; the private cluster $name cannot use it" >&2
    ss -tanp | grep ":$port " >&2 || true
    return 1
  fi
  mkdir -p "$dir"
  chown postgres "$PG_PRIVATE_ROOT" "$dir"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync "$@" >"$dir/initdb.log"
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
CONF
  pg_private_ctl "$name" start
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres test
}

pg_private_replica() { # NAME PRIMARY_PORT PORT: a streaming replica (hot standby)
  local name=$1 primary=$2 port=$3 dir="$PG_PRIVATE_ROOT/$1"
  pg_private_remove "$name"
  mkdir -p "$dir"
  chown postgres "$PG_PRIVATE_ROOT" "$dir"
  # -R writes primary_conninfo and standby.signal: the copy starts as a
  # standby streaming from the primary (trust authentication, as initdb
  # set it up for replication connections from 127.0.0.1).
  as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres \
    -D "$dir/data" -R -X stream --no-sync
  # The copied postgresql.conf is the primary's; later lines win.
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
hot_standby = on
CONF
  pg_private_ctl "$name" start
}

pg_private_ctl() { # NAME start|stop|restart
  local dir="$PG_PRIVATE_ROOT/$1"
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 "$2" >/dev/null; then
    echo "pg_ctl $2 of the private cluster $1 failed; its log:" >&2
    tail -n 30 "$dir/server.log" >&2 || true
    return 1
  fi
}

pg_private_remove() { # NAME
  local dir="$PG_PRIVATE_ROOT/$1"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
