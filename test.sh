#!/usr/bin/env bash
# Runs every CortexHub test on this machine.
#  - installs what the tests need when it is missing (Debian packages: PostgreSQL server,
#    python3-grpcio + grpc tools for the interop tests, Chromium for the dashboard test, nginx
#    for the scale-out tests, tmux for the CLI's terminal tests), using apt-get as root or via sudo, and the npm packages of the
#    browser test (playwright-core) and of the foreign MCP client test (@modelcontextprotocol/sdk);
#  - starts a throwaway PostgreSQL on a free loopback port unless CORTEXHUB_TEST_PG names one;
#  - builds the solution, runs every test project, stops PostgreSQL again;
#  - ends with one line: "tests: N passed, N failed, N skipped".
# With CI=true nothing is skipped for a missing dependency: such a test fails.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else log "need root to run: $*"; return 1; fi
}

# --- 1. Dependencies -------------------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || missing+=(python3-grpcio)
/usr/bin/python3 -c 'import grpc_tools' >/dev/null 2>&1 || missing+=(python3-grpc-tools)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/tmux ] || missing+=(tmux)                # cortex exec -it in a real terminal
[ -x /usr/bin/vim ] || missing+=(vim)                  # VT screen recordings of real programs
[ -x /usr/bin/less ] || missing+=(less)
[ -x /usr/bin/top ] || missing+=(procps)
[ -x /usr/bin/tput ] || missing+=(ncurses-bin)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing missing packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. A throwaway PostgreSQL, unless one is configured --------------------------------
pg_root=""
stop_pg() {
  if [ -n "$pg_root" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    runas "$pg_bin/pg_ctl" -D "$pg_root/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_root"
  fi
}
runas() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -z "${CORTEXHUB_TEST_PG:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  pg_root=$(mktemp -d /tmp/cortexhub-test-pg.XXXXXX)
  trap stop_pg EXIT
  mkdir -p "$pg_root/socket"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$pg_root"; chmod 711 "$pg_root"; fi
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runas "$pg_bin/initdb" -D "$pg_root/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  cat >> "$pg_root/data/postgresql.conf" <<CONF
fsync = off
full_page_writes = off
max_connections = 400
shared_buffers = 256MB
CONF
  runas "$pg_bin/pg_ctl" -D "$pg_root/data" -w -l "$pg_root/server.log" \
    -o "-p $port -k $pg_root/socket -c listen_addresses=127.0.0.1" start >/dev/null
  export CORTEXHUB_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=30;Command Timeout=60"
  log "throwaway PostgreSQL on 127.0.0.1:$port"
fi

# The dashboard's browser test drives Debian's Chromium with playwright-core (Node.js 20+).
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
# The MCP server's foreign client: the official TypeScript SDK (PyPI, for the Python one, is not reachable here).
if [ ! -d tests/mcp-client/node_modules/@modelcontextprotocol/sdk ]; then
  (cd tests/mcp-client && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- 3. Build and test ------------------------------------------------------------------
dotnet build CortexHub.sln -c Release -nologo -v quiet -clp:ErrorsOnly
# Each test project runs in its own process with its own results folder, one after another:
# with an Orleans silo in every test silo, two projects at once starved this 2-core machine
# (silos missing their start deadlines, PostgreSQL connections timing out). Its console output
# is printed when it ends.
status=0
projects=$(ls tests/*/*.Tests.csproj)
run_one() {
  name=$(basename "$(dirname "$1")")
  dotnet test "$1" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true > "$results/$name.log" 2>&1
}
export -f run_one; export results
printf '%s\n' $projects | xargs -P 1 -I{} bash -c 'run_one {}' || status=$?
for log in "$results"/*.log; do cat "$log"; done

# --- 4. One summary line from the TRX files ---------------------------------------------
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed); x=$(get error)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${x:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; log "dotnet test failed without a failed test (build or crash): counting 1 failure"; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
