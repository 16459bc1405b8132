#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of the SQL loader.
#
#   eval "$(bash .ci/postgres.sh)"       # install if needed, start, print the export line
#   bash .ci/postgres.sh stop            # stop the server and remove its cluster
#
# Installs Debian's postgresql package when no server binaries are found (apt-get update
# only then), initialises a cluster in $AUTOML_PG_DIR (default /tmp/automl-postgres) owned
# by the postgres user, starts it on 127.0.0.1 on a free port (unix socket in the same
# folder), creates a user and a database with a password, and prints on stdout only:
#   export AUTOML_TEST_POSTGRES_URL=postgresql+psycopg://automl:PASSWORD@127.0.0.1:PORT/automl
# Running it again while the server is up only prints the line again.
set -euo pipefail

DIR="${AUTOML_PG_DIR:-/tmp/automl-postgres}"
DATA="$DIR/data"
PG_USER=automl
PG_DB=automl
PG_PASSWORD=automl-test-only

log() { echo "postgres.sh: $*" >&2; }

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true
}

install_server() {
    if [ -n "$(pg_bin)" ]; then
        return
    fi
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-cache show postgresql >/dev/null 2>&1; then
        apt-get update -qq >&2
    fi
    # stale package lists fail to download: refresh them once and try again
    apt-get install -y -qq postgresql >&2 || { apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2; }
}

# Run a command as the cluster's owner: the postgres user when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

init_cluster() {
    local bin="$1"
    log "initialising a cluster in $DATA"
    rm -rf "$DIR"
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$DIR"
    fi
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
}

start_server() {
    local bin="$1" port
    port="$(free_port)"
    echo "$port" >"$DIR/port"
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$DIR -c fsync=off" \
        start >&2 || { cat "$DIR/server.log" >&2; exit 1; }
}

create_user_and_db() {
    local bin="$1" port
    port="$(cat "$DIR/port")"
    local psql=("$bin/psql" -h "$DIR" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ -z "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" ]; then
        as_owner "${psql[@]}" -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" >&2
    fi
    if [ -z "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
        as_owner "${psql[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >&2
    fi
}

stop_server() {
    local bin
    bin="$(pg_bin)"
    if [ -n "$bin" ] && [ -f "$DATA/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >&2
    fi
    rm -rf "$DIR"
    log "stopped and removed $DIR"
}

main() {
    install_server
    local bin
    bin="$(pg_bin)"
    if [ ! -f "$DATA/PG_VERSION" ]; then
        init_cluster "$bin"
    fi
    if ! as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        start_server "$bin"
    fi
    create_user_and_db "$bin"
    echo "export AUTOML_TEST_POSTGRES_URL=postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$(cat "$DIR/port")/$PG_DB"
}

case "${1:-start}" in
    start) main ;;
    stop) stop_server ;;
    *) log "usage: $0 [start|stop]"; exit 2 ;;
esac
