#!/usr/bin/env bash
# Refreshes the committed compile-time SQL data (.sqlx/) after a query or migration changed.
# Needs sqlx-cli (`cargo install sqlx-cli --version 0.8.6 --no-default-features --features postgres,rustls`)
# and a Postgres: $PREPARE_DATABASE_URL (a server where a scratch database may be created),
# else a private cluster under target/sqlx-pg.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${PREPARE_DATABASE_URL:-}" ]; then
  cargo build -q -p server
  base=$(env -u DATABASE_URL target/debug/cartwise db start --data-dir target/sqlx-pg --log warn)
  PREPARE_DATABASE_URL="${base%%\?*}"; query="?${base#*\?}"
  PREPARE_DATABASE_URL="${PREPARE_DATABASE_URL%/*}/cartwise_sqlx_prepare$query"
fi
export DATABASE_URL="$PREPARE_DATABASE_URL"
sqlx database drop -y >/dev/null 2>&1 || true
sqlx database create
sqlx migrate run --source crates/store/migrations
for crate in crates/store; do
  (cd "$crate" && SQLX_OFFLINE=false cargo sqlx prepare -- --all-targets)
done
