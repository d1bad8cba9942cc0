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
    postgresql-15 curl openssl
  )
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

build() {
  log "building (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j "${GONGKAI_JOBS:-2}"
}

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR PORT: creates the cluster in DIR on first use (loopback only,
# trust for local connections: a private development cluster) and starts it.
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
  if as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    return 0
  fi
  as_pg_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=${GONGKAI_PG_FSYNC:-on}" >/dev/null
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
