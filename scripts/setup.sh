#!/usr/bin/env bash
# Installs what building, running and testing Cartwise needs, skipping what is already there.
#   scripts/setup.sh            build tools (wasm target, cargo-leptos, wasm-bindgen CLI)
#   scripts/setup.sh --release  + wasm-opt (npm binaryen) for release builds
#   scripts/setup.sh --e2e      + Chromium and the Playwright test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

want_release=0
want_e2e=0
for arg in "$@"; do
  case "$arg" in
    --release) want_release=1 ;;
    --e2e) want_e2e=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

# The Rust target the browser code compiles to.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos builds the server and the WASM bundle together. `no_downloads`: it must never
# fetch tools at build time (this project's machines reach package registries only).
CARGO_LEPTOS_VERSION=0.3.11
if ! command -v cargo-leptos >/dev/null; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (stable first, then nightly; see DEVELOPERS.md)"
  if ! cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads; then
    rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
    cargo +nightly install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
fi

# The wasm-bindgen CLI must be the exact version of the wasm-bindgen crate in Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION"
  # --locked fails for some releases (a yanked lock entry); the unlocked build works.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force \
    || cargo install wasm-bindgen-cli --version "$WB_VERSION" --force --locked
fi

# The embedded database needs the Postgres server binaries.
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing the PostgreSQL server"
  apt_install postgresql
fi

# The small release bundle is built on nightly with the standard library rebuilt from source
# (DEVELOPERS.md, "The WASM bundle"): without rust-src it falls back to stable, a tenth larger.
if [ "$want_release" = 1 ] && ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  say "installing nightly's standard library source (rust-src) for the small WASM bundle"
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  rustup component add rust-src --toolchain nightly \
    || say "could not install rust-src: the bundle will be built on stable (about 10 % larger)"
fi

if [ "$want_release" = 1 ] && ! command -v wasm-opt >/dev/null; then
  say "installing wasm-opt (npm binaryen)"
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --silent binaryen@132.0.0
fi

if [ "$want_e2e" = 1 ]; then
  if ! command -v chromium >/dev/null; then
    say "installing Chromium"
    apt_install chromium
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    say "installing the end-to-end test dependencies"
    # Never download Playwright's own browsers: the tests drive the system Chromium.
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi
