# Shared by scripts/up, scripts/down and scripts/test. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="/usr/lib/postgresql/15/bin"
BUILD_DIR="${GONGKAI_BUILD_DIR:-$ROOT/build}"

log() { printf '[gongkai] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages the build, the services and the tests need,
# when any is missing.
install_dependencies() {
  local packages=(
    build-essential cmake pkg-config ccache
    libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
    libpqxx-dev libpq-dev prometheus-cpp-dev nlohmann-json3-dev libssl-dev
    libgtest-dev libgmock-dev
    # Boost.Beast and Asio, the gateway's HTTP door (gateway/http_front.h).
    libboost-dev
    # QR codes of officers' badges, rendered by the gateway.
    libqrencode-dev
    # tcmalloc, every program's allocator (CMakeLists.txt).
    libgoogle-perftools-dev
    postgresql-15 curl openssl
    clang-format
    # promtool, which the alert rules' tests run (tests/monitoring), and the
    # Prometheus server the monitoring e2e test scrapes a test platform with
    # (tests/e2e/prometheus_e2e_test.cc, its own config and port). The
    # package also installs a Prometheus server unit that a host with systemd
    # starts: systemctl disable --now prometheus where it is not wanted.
    prometheus
    # h2load, the load generator of the wire benches (bench/h2load.h), and
    # the nghttp2 library verify_bench's frame forwarder is built on
    # (bench/frame_forwarder.h).
    nghttp2-client libnghttp2-dev
    # The web pages' tests (tests/node/*_page.mjs): the browser puppeteer-core
    # drives, a font for Chinese text, and zbarimg, which reads a badge's QR
    # code as a phone would.
    chromium fonts-droid-fallback zbar-tools
  )
  # Node.js and npm run the clients of tests/node (the Connect client for
  # Node). A Node.js installed otherwise (with its own npm) is used as it is.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
  # kubectl renders the Kubernetes manifests (scripts/k8s-render,
  # tests/k8s/check). A kubectl installed otherwise is used as it is.
  if ! command -v kubectl >/dev/null; then packages+=(kubernetes-client); fi
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Installs the npm packages of tests/node and of k8s/check (each its
# package-lock.json, exact versions) when they are missing or the lock file
# changed.
install_node_packages() {
  local dir
  for dir in "$ROOT/tests/node" "$ROOT/k8s/check"; do
    if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      log "npm ci in ${dir#"$ROOT"/}"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

# read_services: the services of services/services.table, in table order (a
# service comes after those it names): SERVICES, the names, and by name
# SERVICE_GRPC and SERVICE_METRICS (the ports under scripts/up) and
# SERVICE_SETTINGS (its own NAME=value settings, space-separated, with the
# placeholders {run} and {<service>} as written).
read_services() {
  local table="$ROOT/services/services.table" name grpc metrics settings
  SERVICES=()
  declare -gA SERVICE_GRPC=() SERVICE_METRICS=() SERVICE_SETTINGS=()
  while read -r name grpc metrics settings || [ -n "$name" ]; do
    case "$name" in '' | '#'*) continue ;; esac
    if ! [[ "$grpc" =~ ^[0-9]+$ && "$metrics" =~ ^[0-9]+$ ]]; then
      log "$table: $name: expected name, grpc port, metrics port"
      return 1
    fi
    SERVICES+=("$name")
    SERVICE_GRPC[$name]="$grpc"
    SERVICE_METRICS[$name]="$metrics"
    SERVICE_SETTINGS[$name]="$settings"
  done <"$table"
}

# expand_setting VALUE RUN: VALUE with {run} replaced by RUN and {<service>}
# by 127.0.0.1:<that service's gRPC port> (read_services first).
expand_setting() {
  local rest="$1" run="$2" out="" key
  while [[ "$rest" =~ ^([^{]*)\{([^{}]*)\}(.*)$ ]]; do
    out+="${BASH_REMATCH[1]}"
    key="${BASH_REMATCH[2]}"
    rest="${BASH_REMATCH[3]}"
    if [ "$key" = run ]; then
      out+="$run"
    elif [ -n "${SERVICE_GRPC[$key]:-}" ]; then
      out+="127.0.0.1:${SERVICE_GRPC[$key]}"
    else
      log "services.table: {$key} names no service of the table"
      return 1
    fi
  done
  printf '%s\n' "$out$rest"
}

# check_format: every C++ file git tracks (outside build/) must be as
# clang-format makes it with .clang-format; otherwise names the files and fails.
check_format() {
  local files=() f output unformatted
  if ! git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    log "not a git checkout: the format check needs git ls-files; skipped"
    return 0
  fi
  while IFS= read -r f; do
    [ -f "$ROOT/$f" ] && files+=("$f")  # tracked, not deleted in the working tree
  done < <(git -C "$ROOT" ls-files -- '*.cc' '*.h' ':!:build/*')
  [ "${#files[@]}" -gt 0 ] || return 0
  log "checking the format of ${#files[@]} C++ files"
  if output=$(cd "$ROOT" && clang-format --dry-run --Werror "${files[@]}" 2>&1); then
    return 0
  fi
  unformatted=$(grep -- '-Wclang-format-violations' <<<"$output" | cut -d: -f1 | sort -u || true)
  if [ -z "$unformatted" ]; then
    printf '%s\n' "$output" >&2
  else
    log "not formatted as .clang-format says (fix with clang-format -i on each):"
    sed 's/^/  /' <<<"$unformatted" >&2
  fi
  return 1
}

build() {
  log "building (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j "${GONGKAI_JOBS:-2}"
}

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Who may connect to a cluster of pg_start: through its Unix socket, which
# lies in the cluster's own folder (mode 0700, so only the cluster's owner and
# root reach it), anyone, as any role: the administration (scripts/up,
# scripts/db-roles, the tests' fixture). Over TCP (loopback only) a role with
# its password (SCRAM): the services, each as its own role (scripts/db-roles).
# The superuser has no password, so no TCP client is ever a superuser.
PG_HBA='# Written by scripts/lib.sh (pg_start), which puts it back at every start.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  scram-sha-256
'

# pg_start DIR PORT: creates the cluster in DIR on first use (loopback only;
# the access of PG_HBA, which a cluster made before is given too) and starts it.
pg_start() {
  local dir="$1" port="$2"
  if [ ! -s "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if ! as_pg_owner test -w "$dir"; then
      log "the postgres user cannot write $dir (a parent folder is closed to it)"
      return 1
    fi
    as_pg_owner "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local hba_changed=false
  if [ "$(as_pg_owner cat "$dir/pg_hba.conf")" != "${PG_HBA%$'\n'}" ]; then
    printf '%s' "$PG_HBA" | as_pg_owner tee "$dir/pg_hba.conf" >/dev/null
    hba_changed=true
  fi
  if as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    if [ "$hba_changed" = true ]; then as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" reload >/dev/null; fi
    return 0
  fi
  # The server runs on the machine's own clock even when its caller runs
  # under libfaketime (how the tests are checked against other years): its
  # timers, such as statement_timeout, do not fire under libfaketime, and no
  # date the platform states comes from the database's clock (today is each
  # service's injected clock).
  # Sized for the platform's own data rather than PostgreSQL's defaults (128 MB
  # of buffers, a checkpoint every 1 GB of WAL): a province's million
  # decisions, their indexes and their change feed take about 2.3 GB, and a
  # city's sync writes several GB of WAL. The buffers' memory is taken as
  # they fill.
  as_pg_owner env -u LD_PRELOAD -u FAKETIME "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=${GONGKAI_PG_FSYNC:-on} -c shared_buffers=1GB -c max_wal_size=4GB" >/dev/null
}

pg_stop() {
  local dir="$1"
  if [ -s "$dir/PG_VERSION" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  fi
}

# A loopback port nothing listens on now.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
