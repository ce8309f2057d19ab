#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#   postgres-test-server.sh start DIR   initdb into DIR/data, make a CA and a server certificate
#                                       with openssl, start the server with TLS on 127.0.0.1 (a
#                                       free port) and on a Unix socket in DIR, create the role and
#                                       database project_test, and write DIR/env.
#   postgres-test-server.sh start-standby PRIMARY_DIR DIR
#                                       a hot standby of the server started in PRIMARY_DIR:
#                                       pg_basebackup -R into DIR/data, its own free port and
#                                       socket folder (DIR), a copy of the primary's TLS files,
#                                       and DIR/env as for the primary.
#   postgres-test-server.sh stop DIR    stop the server (primary or standby) and remove DIR.
#   postgres-test-server.sh server stop|stop-immediate|start|restart DIR
#                                       pg_ctl on the server in DIR, which stays (a fast or an
#                                       immediate shutdown, a start, a fast restart), waiting
#                                       until it is done.
#   postgres-test-server.sh sql STATEMENT DIR
#                                       runs STATEMENT as the superuser postgres over the socket,
#                                       printing its rows unaligned, without headers.
# Besides project_test, the primary has the database project_test_tls, which pg_hba refuses
# without TLS (for sslmode=allow's second try).
# Run as root, the server runs as the postgres user; otherwise as the current user. Prints nothing
# on success; on failure says why on stderr and exits 1.
set -euo pipefail

bindir=${POSTGRES_BINDIR:-}
if [ -z "$bindir" ]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir=$candidate
  done
fi

fail() { echo "postgres-test-server.sh: $*" >&2; exit 1; }

usage="usage: postgres-test-server.sh start|stop DIR, start-standby PRIMARY_DIR DIR, server stop|stop-immediate|start|restart DIR, or sql STATEMENT DIR"
[ $# -ge 2 ] || fail "$usage"
action=$1
dir=${!#}

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Makes DIR (absolute from then on) with its setup.log, checks that PostgreSQL is installed.
prepare() {
  [ -n "$bindir" ] && [ -x "$bindir/initdb" ] || fail "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin; install the postgresql package)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  log=$dir/setup.log
  : >"$log"
}
run() { "$@" >>"$log" 2>&1 || fail "$1 failed; see $log: $(tail -n 3 "$log" | tr '\n' ' ')"; }

# Hands DIR and the files named to the postgres user when running as root.
hand_over() {
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir" "$@" "$log"
    chmod 755 "$dir"
    runuser -u postgres -- test -x "$dir" \
      || fail "the postgres user cannot enter $dir; make its parent folders searchable (chmod o+x)"
  fi
}

# A free port: the kernel picks one for a socket bound to port 0.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

write_env() {
  cat >"$dir/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=project_test
PGPASSWORD=$password
PGDATABASE=project_test
PGSSLROOTCERT=$dir/ca.crt
PGSOCKETDIR=$dir
ENV
}

case "$action" in
start)
  [ $# -eq 2 ] || fail "$usage"
  prepare
  command -v openssl >/dev/null || fail "openssl is not installed"

  # The certificate authority and the server certificate, valid for 127.0.0.1 and localhost.
  run openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=project test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt"
  run openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.csr"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/server.ext"
  run openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/server.crt"
  chmod 600 "$dir/server.key"

  password=project-test-$RANDOM$RANDOM
  printf '%s\n' "$password" >"$dir/password"
  hand_over "$dir/server.key" "$dir/server.crt" "$dir/password"
  port=$(free_port)

    run as_server "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8
  # Only the postgres superuser may use the socket without a password (for the setup below).
  as_server tee "$dir/data/pg_hba.conf" >/dev/null <<HBA
local all postgres trust
local replication postgres trust
local all all scram-sha-256
hostnossl project_test_tls all 127.0.0.1/32 reject
host all all 127.0.0.1/32 scram-sha-256
HBA
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
password_encryption = 'scram-sha-256'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
fsync = off
CONF
  run as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start
  sql() { as_server "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres -c "$1"; }
  run sql "CREATE ROLE project_test LOGIN PASSWORD '$password'"
  run sql "CREATE DATABASE project_test OWNER project_test"
  run sql "CREATE DATABASE project_test_tls OWNER project_test"
  write_env
  ;;
start-standby)
  [ $# -eq 3 ] || fail "$usage"
  primary=$2
  [ -f "$primary/env" ] || fail "no PostgreSQL test server in $primary (no $primary/env)"
  primary=$(cd "$primary" && pwd)
  primary_port=$(sed -n 's/^PGPORT=//p' "$primary/env")
  password=$(sed -n 's/^PGPASSWORD=//p' "$primary/env")
  prepare
  cp "$primary/ca.crt" "$primary/server.crt" "$primary/server.key" "$dir/"
  chmod 600 "$dir/server.key"
  hand_over "$dir/server.key" "$dir/server.crt"
  port=$(free_port)
  run as_server "$bindir/pg_basebackup" -h "$primary" -p "$primary_port" -U postgres -D "$dir/data" -R \
    -X stream -c fast
  # The copied postgresql.conf names the primary's port, socket and TLS files; later lines win.
  as_server tee -a "$dir/data/postgresql.conf" >/dev/null <<CONF
port = $port
unix_socket_directories = '$dir'
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
hot_standby = on
CONF
  run as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start
  write_env
  ;;
server)
  [ $# -eq 3 ] && [ -f "$dir/data/postmaster.opts" ] || fail "$usage"
  log=$dir/setup.log
  case "$2" in
  stop) run as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop ;;
  stop-immediate) run as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop ;;
  start) run as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start ;;
  restart) run as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart ;;
  *) fail "$usage" ;;
  esac
  ;;
sql)
  [ $# -eq 3 ] && [ -f "$dir/env" ] || fail "$usage"
  port=$(sed -n 's/^PGPORT=//p' "$dir/env")
  as_server "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d project_test -c "$2"
  ;;
stop)
  [ $# -eq 2 ] || fail "$usage"
  [ -d "$dir" ] || exit 0
  if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bindir" ]; then
    as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  fail "$usage"
  ;;
esac
