#!/usr/bin/env bash
# Builds the two wasm flavours of the crate from the same code:
#   www/pkg     threaded: nightly + build-std, atomics/shared memory (.cargo/config.toml),
#               feature wasm-threads (the rayon pool on Web Workers)
#   www/pkg-st  single-threaded fallback: stable, no atomics, no wasm-threads
# Both with feature gpu (WebGPU batch fitness through wgpu; CPU when the browser has none).
# Both go through wasm-bindgen --target web and wasm-opt -Oz (npm binaryen@132).
# Usage: scripts/build-wasm.sh [mt|st|all]   (default all). Sizes: target/wasm-sizes-{mt,st}.txt
# WASM_OPT_LEVEL (default -O3): the wasm-opt level, e.g. -Oz for the smallest module.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ATOLL_ROOT"

which="${1:-all}"
WASM_OPT_LEVEL="${WASM_OPT_LEVEL:--O3}"
WASM_OPT="$ATOLL_ROOT/node_modules/.bin/wasm-opt"
[ -x "$WASM_OPT" ] || { echo "wasm-opt missing: run scripts/setup.sh (npm binaryen@132)" >&2; exit 1; }
mkdir -p target

# Features every Rust wasm module here uses; threads only for the atomics build.
OPT_FEATURES=(--enable-bulk-memory --enable-mutable-globals --enable-sign-ext
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)

finish() { # flavour, cargo target dir, out dir, extra wasm-opt flags...
  local flavour="$1" tdir="$2" out="$3"; shift 3
  local raw="$tdir/wasm32-unknown-unknown/release/atoll.wasm"
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" "$raw"
  local bg="$out/atoll_bg.wasm"
  local before; before=$(stat -c %s "$bg")
  "$WASM_OPT" "$WASM_OPT_LEVEL" "${OPT_FEATURES[@]}" "$@" "$bg" -o "$bg.opt"
  mv "$bg.opt" "$bg"
  local opt gz; opt=$(stat -c %s "$bg"); gz=$(gzip -9 -c "$bg" | wc -c)
  printf '%-3s raw %8d B (cargo)  bindgen %8d B  wasm-opt %s %8d B  gzip -9 %8d B\n' \
    "$flavour" "$(stat -c %s "$raw")" "$before" "$WASM_OPT_LEVEL" "$opt" "$gz" | tee "target/wasm-sizes-$flavour.txt"
}

build_mt() {
  log "threaded wasm (www/pkg) with $ATOLL_NIGHTLY, build-std, atomics"
  local t0=$SECONDS
  # Own target dir: no lock contention with native builds, no flag churn with the st build.
  CARGO_TARGET_DIR=target/wasm-mt cargo "+$ATOLL_NIGHTLY" build --release --lib \
    --target wasm32-unknown-unknown -Z build-std=panic_abort,std \
    --no-default-features --features wasm-threads,gpu
  finish mt target/wasm-mt www/pkg --enable-threads
  grep -q 'shared:true\|shared: true' www/pkg/atoll.js ||
    { echo "www/pkg does not use shared memory: atomics flags were not applied" >&2; exit 1; }
  log "threaded build took $((SECONDS - t0)) s"
}

build_st() {
  log "single-threaded wasm (www/pkg-st) with stable, no atomics"
  local t0=$SECONDS
  # CARGO_ENCODED_RUSTFLAGS="" takes precedence over the [target.wasm32-unknown-unknown]
  # rustflags of .cargo/config.toml, so this module has plain (unshared) memory.
  CARGO_ENCODED_RUSTFLAGS="" CARGO_TARGET_DIR=target/wasm-st cargo +stable build --release --lib \
    --target wasm32-unknown-unknown --no-default-features --features gpu
  finish st target/wasm-st www/pkg-st
  if grep -q 'shared:true\|shared: true\|function initThreadPool' www/pkg-st/atoll.js; then
    echo "www/pkg-st unexpectedly uses shared memory or the thread pool" >&2; exit 1
  fi
  log "single-threaded build took $((SECONDS - t0)) s"
}

case "$which" in
  mt) build_mt ;;
  st) build_st ;;
  all) build_mt; build_st ;;
  *) echo "usage: $0 [mt|st|all]" >&2; exit 2 ;;
esac
