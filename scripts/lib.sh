# Shared set-up steps for scripts/run and scripts/test. Sourced, not executed.
# Every step is idempotent: a second run on the same machine only checks and moves on.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

log() { printf '\033[1m[tambon]\033[0m %s\n' "$*" >&2; }

# Install Debian packages that are missing (CI runs as root on a fresh Debian machine).
ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# A virtual environment with the project installed in editable mode, at the exact versions of
# constraints.txt (pyproject.toml's phone dependencies are ranges where Flet's mobile index
# needs them), re-installed only when pyproject.toml or constraints.txt changed since.
ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating the virtual environment in .venv"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  local stamp="$VENV/.installed-$extras"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] \
      || [ "$ROOT/constraints.txt" -nt "$stamp" ]; then
    log "installing Python packages ($extras) at the versions in constraints.txt"
    "$VENV/bin/pip" install -q -c "$ROOT/constraints.txt" -e "$ROOT[$extras]"
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

# Start Debian's PostgreSQL cluster (it refuses to run as root, so pg_ctlcluster runs it as
# the postgres user) and make `root` a superuser so tests can create throwaway databases.
start_postgres() {
  local ver
  ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
    log "creating PostgreSQL $ver cluster"
    pg_createcluster "$ver" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $ver"
    pg_ctlcluster "$ver" main start
  fi
  local me
  me=$(id -un)
  runuser -u postgres -- psql -q -tAc "select 1 from pg_roles where rolname='$me'" | grep -q 1 \
    || runuser -u postgres -- psql -q -c "create role \"$me\" superuser login"
  local port
  port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
  # Tests create (and drop) their own database through this maintenance URL.
  export TAMBON_PG_ADMIN_URL="postgresql+psycopg://$me@/postgres?host=/var/run/postgresql&port=$port"
}
