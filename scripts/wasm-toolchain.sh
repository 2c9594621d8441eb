# Sourced by the scripts that build the release bundle. When a nightly toolchain with its
# standard library's source (rust-src) is installed, the bundle is built with it (see
# scripts/wasm-toolchain/cargo); otherwise with stable, and about a tenth larger.
nightly_sysroot=$(rustc +nightly --print sysroot 2>/dev/null || true)
if [ -n "$nightly_sysroot" ] && [ -f "$nightly_sysroot/lib/rustlib/src/rust/library/Cargo.lock" ]; then
  export PATH="$PWD/scripts/wasm-toolchain:$PATH"
else
  echo "note: no nightly toolchain with rust-src; the WASM bundle is built on stable (larger)." >&2
fi
unset nightly_sysroot
