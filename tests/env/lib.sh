# shellcheck shell=bash disable=SC2034
# Shared by tests/env/up, down and ctl. Sourced, not run.
# Layout: DIR/env (KEY=VALUE), DIR/run -> RUN, a /tmp directory holding every server's data,
# sockets, pid files and logs. Sockets live under /tmp because a unix socket path must stay
# below 108 bytes, and the service users must be able to traverse every parent directory.

PG_BIN_DEFAULT=/usr/lib/postgresql/15/bin
READY_TIMEOUT=${CDC_TEST_READY_TIMEOUT:-45}

log() { echo "tests/env: $*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as a service user when we are root (initdb and pg_ctl refuse root); as
# ourselves otherwise, so developers can use the scripts without sudo.
as_user() {
  local user=$1; shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# The OS user that owns a server's files: the packaged system user when root, else ourselves.
service_user() { if is_root; then echo "$1"; else id -un; fi; }

# Prints a TCP port on 127.0.0.1 that nothing listens on right now. It is taken below the
# kernel's ephemeral range, so that while a server is stopped by a fault test no client socket
# can be handed its port, and the restart finds it free.
free_port() {
  local p i lo=15000 hi
  hi=$(awk '{print $1 - 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32767)
  [ "$hi" -gt $((lo + 1000)) ] || { lo=20000; hi=60000; }
  for i in $(seq 1 200); do
    p=$(( lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1) ))
    if command -v ss >/dev/null; then
      [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  die "no free TCP port found"
}

# Reads KEY from an env file of KEY=VALUE lines (values are never quoted or expanded).
env_get() {
  local file=$1 key=$2 k v
  [ -f "$file" ] || return 0
  while IFS='=' read -r k v; do
    [ "$k" = "$key" ] && { printf '%s\n' "$v"; return 0; }
  done < "$file"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_from_file() { if [ -f "$1" ]; then head -n1 "$1" 2>/dev/null | tr -dc '0-9'; fi; }

# Waits until a pid is gone, for at most $2 seconds. Returns non-zero if it is still there.
wait_pid_gone() {
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 10; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  ! pid_alive "$pid"
}

# Sends TERM, waits, then KILL. For processes whose own stop command failed.
stop_pid() {
  local pid=$1 what=$2
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 20 && return 0
  log "$what (pid $pid) ignored SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 10
}

# ---- PostgreSQL ---------------------------------------------------------------------------
# RUN/pg = data directory, RUN/pg-run = socket directory and pg.log.

pg_start() {  # RUN PGBIN
  local run=$1 bin=$2
  as_user "$(service_user postgres)" "$bin/pg_ctl" -D "$run/pg" -l "$run/pg-run/pg.log" \
    -w -t "$READY_TIMEOUT" start </dev/null >/dev/null
}

pg_stop() {  # RUN PGBIN [fast|immediate|smart]
  local run=$1 bin=$2 mode=${3:-fast}
  [ -f "$run/pg/postmaster.pid" ] || return 0
  as_user "$(service_user postgres)" "$bin/pg_ctl" -D "$run/pg" -m "$mode" -w -t 30 stop \
    </dev/null >/dev/null 2>&1 && return 0
  # pg_ctl failed (e.g. data dir half gone): fall back to the postmaster pid.
  stop_pid "$(pid_from_file "$run/pg/postmaster.pid")" postgres
}

# ---- MariaDB ------------------------------------------------------------------------------
# RUN/mysql = datadir (binlogs too), RUN/mysql-run = socket, pid file and mysql.log.

mysql_admin_user() { if is_root; then echo root; else id -un; fi; }

# The admin connects as root over the socket (unix_socket auth, no password needed).
mysql_admin() {  # RUN, then mariadb client args
  local run=$1; shift
  mariadb --no-defaults -u "$(mysql_admin_user)" --socket="$run/mysql-run/mysqld.sock" "$@" </dev/null
}

mysql_start() {  # RUN PORT
  local run=$1 port=$2 user_opt=() i
  is_root && user_opt=(--user=mysql)
  # --no-defaults: the packaged /etc/mysql config must not leak into the test server.
  setsid mariadbd --no-defaults "${user_opt[@]}" \
    --datadir="$run/mysql" --socket="$run/mysql-run/mysqld.sock" \
    --pid-file="$run/mysql-run/mysqld.pid" --log-error="$run/mysql-run/mysql.log" \
    --bind-address=127.0.0.1 --port="$port" --skip-name-resolve \
    --server-id=1 --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL \
    --binlog-row-metadata=FULL --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_general_ci --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=200 \
    </dev/null >>"$run/mysql-run/mysql.log" 2>&1 &
  for ((i = 0; i < READY_TIMEOUT * 5; i++)); do
    mariadb-admin --no-defaults -u "$(mysql_admin_user)" --socket="$run/mysql-run/mysqld.sock" \
      ping </dev/null >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  log "MariaDB did not become ready in ${READY_TIMEOUT}s; tail of $run/mysql-run/mysql.log:"
  tail -n 30 "$run/mysql-run/mysql.log" >&2 || true
  return 1
}

mysql_stop() {  # RUN
  local run=$1 pid
  pid=$(pid_from_file "$run/mysql-run/mysqld.pid")
  pid_alive "$pid" || return 0
  mariadb-admin --no-defaults -u "$(mysql_admin_user)" --socket="$run/mysql-run/mysqld.sock" \
    shutdown </dev/null >/dev/null 2>&1 || true
  wait_pid_gone "$pid" 30 && return 0
  stop_pid "$pid" mariadbd
}

mysql_kill9() {  # RUN
  local run=$1 pid
  pid=$(pid_from_file "$run/mysql-run/mysqld.pid")
  pid_alive "$pid" || die "MariaDB is not running"
  kill -KILL "$pid"
  wait_pid_gone "$pid" 10
}

# ---- dev Kafka ----------------------------------------------------------------------------

# Sends one control line to cdc-dev-kafka and prints its answer; fails unless it is "ok...".
kafka_control() {  # HOST:PORT COMMAND...
  local hp=$1 reply; shift
  exec 9<>"/dev/tcp/${hp%:*}/${hp##*:}" || return 1
  printf '%s\n' "$*" >&9
  IFS= read -r -t 10 reply <&9 || reply="error no answer"
  exec 9>&-
  printf '%s\n' "$reply"
  [[ $reply == ok* ]]
}
