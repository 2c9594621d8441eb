# Sourced by the scripts: the environment every cargo command shares, so `cargo test`, `cargo
# clippy` and `cargo leptos build` reuse one another's build artifacts instead of rebuilding
# (cargo-leptos sets these for its server build; a difference would rebuild everything).
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
export LEPTOS_OUTPUT_NAME=cartwise LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend
export LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
export RUSTFLAGS="--cfg erase_components"
# SQL is checked at compile time against the committed .sqlx/ data, not a live database.
export SQLX_OFFLINE=true
