#!/usr/bin/env bash
# A CortexHub cluster on this machine's loopback, from Debian packages only:
# a throwaway PostgreSQL, N silos (default 3) and nginx in front of them, built from this repository.
#
#   deploy/local-cluster.sh start            # install what is missing, build, start; prints URLs and admin key
#   deploy/local-cluster.sh status           # what runs, with each silo's /readyz (exit 0 only if all runs)
#   deploy/local-cluster.sh stop [--purge]   # SIGTERM the silos (graceful drain), stop nginx and PostgreSQL;
#                                            # --purge also deletes the state folder (database, logs, key)
#
# Every step is idempotent: `start` starts only what is not running, `stop` stops only what runs.
# State (database, logs, pid files, the silo build, the admin key) lives in
# CORTEXHUB_LOCAL_CLUSTER_DIR, default <repo>/.local-cluster.
#
# Ports (all on 127.0.0.1; override with the variables):
#   nginx            HTTP  CORTEXHUB_LOCAL_HTTP_PORT (8080)   gRPC  CORTEXHUB_LOCAL_GRPC_PORT (8081)
#   silo i (1..9)    HTTP  CORTEXHUB_LOCAL_SILO_HTTP_BASE+i (6080+i)   gRPC  CORTEXHUB_LOCAL_SILO_GRPC_BASE+i (6090+i)
#   PostgreSQL       CORTEXHUB_LOCAL_PG_PORT (6432)
# CORTEXHUB_LOCAL_SILOS sets the number of silos (1..9, default 3).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
state=${CORTEXHUB_LOCAL_CLUSTER_DIR:-$repo/.local-cluster}
silo_count=${CORTEXHUB_LOCAL_SILOS:-3}
lb_http_port=${CORTEXHUB_LOCAL_HTTP_PORT:-8080}
lb_grpc_port=${CORTEXHUB_LOCAL_GRPC_PORT:-8081}
silo_http_base=${CORTEXHUB_LOCAL_SILO_HTTP_BASE:-6080}
silo_grpc_base=${CORTEXHUB_LOCAL_SILO_GRPC_BASE:-6090}
pg_port=${CORTEXHUB_LOCAL_PG_PORT:-6432}
database=cortexhub

# The silo's default CortexHub:Orleans:ShutdownTimeout is 30 s and the host adds 5 s on top;
# `stop` waits a little longer before it resorts to SIGKILL.
silo_stop_wait=45
readiness_wait=120

marker=.cortexhub-local-cluster
nginx_template=$script_dir/nginx/cortexhub.conf

log() { printf '[local-cluster] %s\n' "$*" >&2; }
explained=""
die() { printf '[local-cluster] error: %s\n' "$*" >&2; explained=1; exit 1; }

# Any other failure (set -e) still ends with a line naming the command that failed.
on_exit() {
  if [ "$1" -ne 0 ] && [ -z "$explained" ]; then
    printf '[local-cluster] error: stopped (exit code %s) by a failing command: %s\n' "$1" "$2" >&2
  fi
}
trap 'on_exit $? "$BASH_COMMAND"' EXIT

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  explained=1
  exit 2
}

is_root() { [ "$(id -u)" = 0 ]; }

as_root() {
  if is_root; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (no sudo here); install the package by hand"; fi
}

# PostgreSQL refuses to run as root: as root its binaries run as the postgres user (as test.sh does).
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

check_number() {
  case $2 in (''|*[!0-9]*) die "$1 must be a number, not '$2'";; esac
}

validate_settings() {
  check_number CORTEXHUB_LOCAL_SILOS "$silo_count"
  if [ "$silo_count" -lt 1 ] || [ "$silo_count" -gt 9 ]; then die "CORTEXHUB_LOCAL_SILOS must be between 1 and 9, not $silo_count"; fi
  for v in lb_http_port lb_grpc_port silo_http_base silo_grpc_base pg_port; do check_number "$v" "${!v}"; done
}

# --- state folder ---------------------------------------------------------------------------

init_state() {
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  touch "$state/$marker"
  # The postgres user (when we are root) and nginx's workers (nobody) must reach files below it.
  chmod 755 "$state"
}

# Refuses to act on a folder this script did not create (protects `stop --purge`).
require_state() {
  [ -d "$state" ] || return 1
  state=$(cd "$state" && pwd)
  [ -e "$state/$marker" ] || die "$state exists but was not created by local-cluster.sh (no $marker); refusing to touch it"
}

# --- small helpers --------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  if port_in_use "$1"; then
    die "port 127.0.0.1:$1 (for $2) is already in use by another program; free it or set the port variable (see the header of $0)"
  fi
}

# A pid file names a live process whose command line contains $2 (guards against pid reuse).
pid_alive() {
  local pidfile=$1 needle=$2 pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$needle"
}

http_body() { curl -fsS --max-time 5 "$1" 2>/dev/null; }

silo_http_port() { echo $((silo_http_base + $1)); }
silo_grpc_port() { echo $((silo_grpc_base + $1)); }
silo_dir() { echo "$state/silo-$1"; }

pg_bin() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  if [ ! -x "$dir/initdb" ]; then die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"; fi
  echo "$dir"
}

# --- dependencies ---------------------------------------------------------------------------

install_missing() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
    log "installing missing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is not on PATH; it is needed to build and run the silos"
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

# --- PostgreSQL -----------------------------------------------------------------------------

pg_data() { echo "$state/pg/data"; }

pg_running() { [ -s "$(pg_data)/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$(pg_data)" status >/dev/null 2>&1; }

start_pg() {
  local bin data
  bin=$(pg_bin)
  data=$(pg_data)
  mkdir -p "$state/pg"
  if is_root; then
    chown postgres:postgres "$state/pg"
    runuser -u postgres -- test -w "$state/pg" \
      || die "the postgres user cannot write $state/pg (a parent folder is not traversable?); set CORTEXHUB_LOCAL_CLUSTER_DIR to a folder under /tmp"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $data"
    as_pg "$bin/initdb" -D "$data" -U postgres -A trust --no-sync -E UTF8 >"$state/pg/initdb.log" 2>&1 \
      || { cat "$state/pg/initdb.log" >&2; die "initdb failed"; }
    # Loopback TCP only (no Unix socket, so the folder's path length does not matter).
    # The hub acknowledges a node's events once their transaction commits: these three keep a
    # commit on disk through a crash of PostgreSQL or of the machine. Turning any of them off
    # makes the hub lose events it acknowledged (the journal then shows them as a marked loss).
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
CONF
  fi
  if pg_running; then
    log "PostgreSQL already running"
  else
    require_free_port "$pg_port" PostgreSQL
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_pg "$bin/pg_ctl" -D "$data" -w -t 60 -l "$state/pg/server.log" -o "-p $pg_port" start >/dev/null \
      || { tail -n 20 "$state/pg/server.log" >&2 || true; die "PostgreSQL did not start (log: $state/pg/server.log)"; }
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE $database" >/dev/null || die "could not create database $database"
  fi
}

stop_pg() {
  if [ -s "$(pg_data)/PG_VERSION" ] && pg_running; then
    log "stopping PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" -D "$(pg_data)" -m fast -w -t 60 stop >/dev/null || die "PostgreSQL did not stop (log: $state/pg/server.log)"
  fi
}

# --- silos ----------------------------------------------------------------------------------

silo_pidfile() { echo "$(silo_dir "$1")/silo.pid"; }
silo_running() { pid_alive "$(silo_pidfile "$1")" "$state/bin/cortexhub-silo.dll"; }

running_silos() {
  local i n=0
  for ((i = 1; i <= 9; i++)); do silo_running "$i" && n=$((n + 1)); done
  echo "$n"
}

# Builds once and runs the silos from a copy in $state/bin, so a later build in the work tree
# never rewrites files under running silos. While any silo runs, the copy is kept as it is.
build_silo() {
  if [ "$(running_silos)" -gt 0 ] && [ -s "$state/bin/cortexhub-silo.dll" ]; then
    log "silos are running: keeping their build in $state/bin (stop the cluster to rebuild)"
    return
  fi
  log "building the silo (dotnet build src/CortexHub.Silo -c Release; log: $state/build.log)"
  (cd "$repo" && dotnet build src/CortexHub.Silo -c Release -nologo -v quiet -clp:ErrorsOnly) >"$state/build.log" 2>&1 \
    || { tail -n 30 "$state/build.log" >&2; die "the silo did not build (full log: $state/build.log)"; }
  local out=$repo/src/CortexHub.Silo/bin/Release/net10.0
  [ -s "$out/cortexhub-silo.dll" ] || die "the build produced no $out/cortexhub-silo.dll"
  rm -rf "${state:?}/bin.new"
  cp -a "$out" "$state/bin.new"
  rm -rf "${state:?}/bin"
  mv "$state/bin.new" "$state/bin"
}

admin_key() {
  local file=$state/admin-key
  if [ ! -s "$file" ]; then
    # Generated once per state folder: the first silo creates the admin user with it, and
    # later starts must present the same key (only its hash is stored).
    (umask 077 && printf 'chk.admin.local.%s\n' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$file")
  fi
  cat "$file"
}

start_silo() {
  local i=$1 key=$2 dir http grpc
  dir=$(silo_dir "$i")
  http=$(silo_http_port "$i")
  grpc=$(silo_grpc_port "$i")
  mkdir -p "$dir"
  if silo_running "$i"; then
    log "silo-$i already running (pid $(cat "$(silo_pidfile "$i")"))"
    return
  fi
  require_free_port "$http" "silo-$i HTTP"
  require_free_port "$grpc" "silo-$i gRPC"
  log "starting silo-$i (HTTP 127.0.0.1:$http, gRPC 127.0.0.1:$grpc, log $dir/silo.log)"
  printf '\n==== %s start ====\n' "$(date -u +%FT%TZ)" >>"$dir/silo.log"
  # setsid: the silo leaves this script's process group, so a Ctrl-C here later does not reach it.
  (
    cd "$dir"
    export CortexHub__Storage__Provider=postgres
    export CortexHub__Storage__Postgres__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$database"
    export CortexHub__Endpoints__BindAddress=127.0.0.1
    export CortexHub__Endpoints__HttpPort=$http
    export CortexHub__Endpoints__GrpcPort=$grpc
    export CortexHub__Orleans__SiloName=local-$i
    export CortexHub__Orleans__AdvertisedAddress=127.0.0.1
    export CortexHub__Api__AdminKey=$key
    export CortexHub__Api__PublicGrpcAddress=http://127.0.0.1:$lb_grpc_port
    export CortexHub__Api__PublicUrl=http://127.0.0.1:$lb_http_port
    # Behind nginx: take the client's scheme and address from X-Forwarded-Proto/-For.
    export ASPNETCORE_FORWARDEDHEADERS_ENABLED=true
    exec setsid dotnet "$state/bin/cortexhub-silo.dll" </dev/null >>"$dir/silo.log" 2>&1
  ) &
  echo $! >"$(silo_pidfile "$i")"
}

wait_silo_ready() {
  local i=$1 http pid deadline rc
  http=$(silo_http_port "$i")
  pid=$(cat "$(silo_pidfile "$i")")
  deadline=$((SECONDS + readiness_wait))
  until [ "$(http_body "http://127.0.0.1:$http/readyz")" = ready ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rc=0; wait "$pid" 2>/dev/null || rc=$?
      tail -n 20 "$(silo_dir "$i")/silo.log" >&2 || true
      # 127: not our child (started by an earlier run), so its exit code is unknown.
      [ "$rc" = 127 ] && die "silo-$i exited; log: $(silo_dir "$i")/silo.log"
      die "silo-$i exited with code $rc (2 = storage unavailable, 3 = bad configuration or port in use); log: $(silo_dir "$i")/silo.log"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "silo-$i is not ready after ${readiness_wait}s; log: $(silo_dir "$i")/silo.log"
    sleep 0.5
  done
}

stop_silos() {
  local i pids=() names=() deadline
  for ((i = 1; i <= 9; i++)); do
    if silo_running "$i"; then
      pids+=("$(cat "$(silo_pidfile "$i")")")
      names+=("silo-$i")
    fi
  done
  if [ ${#pids[@]} -eq 0 ]; then return; fi
  log "stopping ${names[*]} (SIGTERM: nodes are told to reconnect elsewhere, then a graceful drain)"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + silo_stop_wait))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        log "warning: ${names[$i]} (pid ${pids[$i]}) still running after ${silo_stop_wait}s: SIGKILL"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  done
  for ((i = 1; i <= 9; i++)); do rm -f "$(silo_pidfile "$i")"; done
}

# --- nginx ----------------------------------------------------------------------------------

nginx_dir() { echo "$state/nginx"; }
nginx_conf() { echo "$(nginx_dir)/nginx.conf"; }
nginx_pidfile() { echo "$(nginx_dir)/nginx.pid"; }
nginx_running() { pid_alive "$(nginx_pidfile)" "$(nginx_conf)"; }
nginx_cmd() { "$(nginx_bin)" -p "$(nginx_dir)/" -e "$(nginx_dir)/error.log" -c "$(nginx_conf)" "$@"; }

# Writes $state/nginx/cortexhub.conf from deploy/nginx/cortexhub.conf: each upstream's `server`
# lines become one line per local silo (keeping the template's parameters) and the listeners
# bind to loopback on the chosen ports. Then a small nginx.conf around it, all paths in $state.
generate_nginx_conf() {
  local dir grpc_servers="" http_servers="" i
  dir=$(nginx_dir)
  mkdir -p "$dir/tmp"
  [ -r "$nginx_template" ] || die "missing $nginx_template"
  for ((i = 1; i <= silo_count; i++)); do
    grpc_servers+="127.0.0.1:$(silo_grpc_port "$i") "
    http_servers+="127.0.0.1:$(silo_http_port "$i") "
  done
  awk -v grpc="$grpc_servers" -v http="$http_servers" -v lbhttp="$lb_http_port" -v lbgrpc="$lb_grpc_port" '
    function emit(list, params,   n, a, k) {
      n = split(list, a, " ")
      for (k = 1; k <= n; k++) print "    server " a[k] params
    }
    /^upstream[ \t]+cortexhub_grpc[ \t]*\{/ { up = "grpc"; done = 0 }
    /^upstream[ \t]+cortexhub_http[ \t]*\{/ { up = "http"; done = 0 }
    up != "" && /^\}/ { up = "" }
    up != "" && /^[ \t]*server[ \t]/ {
      if (!done) {
        params = $0; sub(/^[ \t]*server[ \t]+[^ \t;]+/, "", params)
        emit(up == "grpc" ? grpc : http, params); done = 1; replaced[up] = 1
      }
      next
    }
    /^[ \t]*listen[ \t]+8080[ \t;]/ { sub(/8080/, "127.0.0.1:" lbhttp); listens++ }
    /^[ \t]*listen[ \t]+8081[ \t;]/ { sub(/8081/, "127.0.0.1:" lbgrpc); listens++ }
    { print }
    END { if (!replaced["grpc"] || !replaced["http"] || listens != 2) exit 3 }
  ' "$nginx_template" >"$dir/cortexhub.conf" \
    || die "$nginx_template no longer has the shape this script edits (upstreams cortexhub_grpc/cortexhub_http with server lines, listen 8080 and 8081)"

  {
    echo "# Generated by deploy/local-cluster.sh: do not edit (it is rewritten on each start)."
    echo "worker_processes 1;"
    echo "# Old workers keep long-lived streams after a reload; bound that (nodes then reconnect)."
    echo "worker_shutdown_timeout 30s;"
    echo "pid $(nginx_pidfile);"
    echo "error_log $dir/error.log notice;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "    access_log $dir/access.log;"
    echo "    client_body_temp_path $dir/tmp/client_body;"
    echo "    proxy_temp_path $dir/tmp/proxy;"
    echo "    fastcgi_temp_path $dir/tmp/fastcgi;"
    echo "    uwsgi_temp_path $dir/tmp/uwsgi;"
    echo "    scgi_temp_path $dir/tmp/scgi;"
    echo "    include $dir/cortexhub.conf;"
    echo "}"
  } >"$(nginx_conf)"
}

nginx_conf_digest() { { cat "$(nginx_conf)" "$(nginx_dir)/cortexhub.conf" 2>/dev/null || true; } | cksum; }

start_nginx() {
  local before
  before=$(nginx_conf_digest)
  generate_nginx_conf
  nginx_cmd -t -q 2>"$(nginx_dir)/test.log" || { cat "$(nginx_dir)/test.log" >&2; die "nginx rejected $(nginx_conf)"; }
  if nginx_running; then
    # A reload moves open node streams to old workers that linger (up to worker_shutdown_timeout),
    # so reload only when the configuration changed.
    if [ "$before" = "$(nginx_conf_digest)" ]; then
      log "nginx already running"
    else
      log "nginx already running: reloading its changed configuration"
      nginx_cmd -s reload
    fi
    return
  fi
  require_free_port "$lb_http_port" "nginx HTTP"
  require_free_port "$lb_grpc_port" "nginx gRPC"
  log "starting nginx (HTTP 127.0.0.1:$lb_http_port, gRPC 127.0.0.1:$lb_grpc_port)"
  nginx_cmd || die "nginx did not start (log: $(nginx_dir)/error.log)"
}

stop_nginx() {
  nginx_running || return 0
  local pid deadline
  pid=$(cat "$(nginx_pidfile)")
  log "stopping nginx"
  # Fast shutdown (TERM): a graceful quit would wait for open streams, which can last hours.
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { kill -KILL "$pid" 2>/dev/null || true; break; }
    sleep 0.2
  done
}

# --- commands -------------------------------------------------------------------------------

cmd_start() {
  validate_settings
  install_missing
  init_state
  start_pg
  build_silo
  local key i
  key=$(admin_key)
  for ((i = 1; i <= silo_count; i++)); do start_silo "$i" "$key"; done
  for ((i = 1; i <= silo_count; i++)); do wait_silo_ready "$i"; done
  start_nginx
  [ "$(http_body "http://127.0.0.1:$lb_http_port/healthz")" = ok ] \
    || die "nginx is up but http://127.0.0.1:$lb_http_port/healthz does not answer ok (log: $(nginx_dir)/error.log)"

  cat <<EOF

CortexHub local cluster is running: $silo_count silos, PostgreSQL on 127.0.0.1:$pg_port, nginx in front.
  API, dashboard:  http://127.0.0.1:$lb_http_port/        (dashboard: http://127.0.0.1:$lb_http_port/dashboard/)
  gRPC for nodes:  http://127.0.0.1:$lb_grpc_port          (cortex-agent --hub http://127.0.0.1:$lb_grpc_port --node-id ...)
  admin API key:   $key
                   export CORTEX_API_KEY='$key'
EOF
  for ((i = 1; i <= silo_count; i++)); do
    printf '  silo-%s:          HTTP 127.0.0.1:%s  gRPC 127.0.0.1:%s  log %s/silo.log\n' \
      "$i" "$(silo_http_port "$i")" "$(silo_grpc_port "$i")" "$(silo_dir "$i")"
  done
  cat <<EOF
  state:           $state
Stop with: $0 stop   (add --purge to delete the database, logs and key)
EOF
}

cmd_stop() {
  local purge=${1:-}
  case $purge in ('' | --purge) ;; (*) usage ;; esac
  if ! require_state; then
    log "nothing to stop: $state does not exist"
    return
  fi
  stop_silos
  stop_nginx
  stop_pg
  if [ "$purge" = --purge ]; then
    log "deleting $state"
    rm -rf -- "${state:?}"
  else
    log "stopped; data kept in $state (stop --purge deletes it)"
  fi
}

cmd_status() {
  validate_settings
  if ! require_state; then
    echo "not started ($state does not exist)"
    return 3
  fi
  local all=0 i
  if pg_running; then echo "postgresql  running  127.0.0.1:$pg_port"; else echo "postgresql  stopped"; all=3; fi
  for ((i = 1; i <= silo_count; i++)); do
    if silo_running "$i"; then
      printf 'silo-%s      running  pid %s  HTTP :%s gRPC :%s  readyz: %s\n' "$i" "$(cat "$(silo_pidfile "$i")")" \
        "$(silo_http_port "$i")" "$(silo_grpc_port "$i")" "$(http_body "http://127.0.0.1:$(silo_http_port "$i")/readyz" || echo 'not ready')"
    else
      echo "silo-$i      stopped"; all=3
    fi
  done
  if nginx_running; then
    printf 'nginx       running  pid %s  HTTP :%s gRPC :%s  /healthz via nginx: %s\n' "$(cat "$(nginx_pidfile)")" \
      "$lb_http_port" "$lb_grpc_port" "$(http_body "http://127.0.0.1:$lb_http_port/healthz" || echo 'no answer')"
  else
    echo "nginx       stopped"; all=3
  fi
  [ -s "$state/admin-key" ] && echo "admin key   $(cat "$state/admin-key")"
  return "$all"
}

case ${1:-} in
  start) [ $# -eq 1 ] || usage; cmd_start ;;
  stop) [ $# -le 2 ] || usage; cmd_stop "${2:-}" ;;
  status)
    [ $# -eq 1 ] || usage
    rc=0; cmd_status || rc=$?
    explained=1; exit "$rc" ;;
  *) usage ;;
esac
