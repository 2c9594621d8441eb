#!/usr/bin/env bash
# Builds the release bundle (`cargo leptos build --release`) and prints the WASM size, raw and
# brotli-compressed (quality 11, as a CDN or a precompressing server would serve it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --release
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
export SQLX_OFFLINE=true
source scripts/wasm-toolchain.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo leptos build --release
fi
node -e '
const fs = require("fs"), zlib = require("zlib");
for (const f of ["target/site/pkg/cartwise.wasm", "target/site/pkg/cartwise.js", "target/site/pkg/cartwise.css"]) {
  const raw = fs.readFileSync(f);
  const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  console.log(`${f.padEnd(32)} raw ${(raw.length / 1024).toFixed(0).padStart(6)} KB   brotli ${(br.length / 1024).toFixed(0).padStart(5)} KB`);
}'
