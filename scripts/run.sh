#!/usr/bin/env bash
# Builds Cartwise (release) and runs it on http://127.0.0.1:3000. With nothing configured it
# starts its own Postgres under ./.cartwise and prints how to sign in. Extra arguments go to
# `cartwise serve`, e.g. `scripts/run.sh --listen 0.0.0.0:3000`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --release
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
export SQLX_OFFLINE=true
source scripts/wasm-toolchain.sh
cargo leptos build --release
export LEPTOS_SITE_ROOT="$PWD/target/site"
exec target/release/cartwise serve "$@"
