#!/usr/bin/env bash
# Builds the two wasm flavours of the crate from the same code:
#   www/pkg     threaded: nightly + build-std, atomics/shared memory (.cargo/config.toml),
#               feature wasm-threads (the rayon pool on Web Workers)
#   www/pkg-st  single-threaded fallback: stable, no atomics, no wasm-threads
# Both with features web (the bindings, src/web.rs) and gpu (WebGPU batch fitness through
# wgpu; CPU when the browser has none), without excel (the page loads that on demand):
#   www/pkg-excel  the Excel module (crates/atoll-excel: workbooks in and out), stable,
#               single-threaded, optimised for size (wasm-opt -Oz whatever WASM_OPT_LEVEL)
# All go through wasm-bindgen --target web and wasm-opt (npm binaryen@132).
# Usage: scripts/build-wasm.sh [mt|st|excel|all]   (default all: the three).
# Sizes: target/wasm-sizes-{mt,st,excel}.txt
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
  # The module's name: atoll (www/pkg, www/pkg-st) or atoll_excel (www/pkg-excel).
  local name="${MODULE:-atoll}" level="${LEVEL:-$WASM_OPT_LEVEL}"
  local raw="$tdir/wasm32-unknown-unknown/release/$name.wasm"
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" "$raw"
  local bg="$out/${name}_bg.wasm"
  local before; before=$(stat -c %s "$bg")
  "$WASM_OPT" "$level" "${OPT_FEATURES[@]}" "$@" "$bg" -o "$bg.opt"
  mv "$bg.opt" "$bg"
  local opt gz; opt=$(stat -c %s "$bg"); gz=$(gzip -9 -c "$bg" | wc -c)
  printf '%-5s raw %8d B (cargo)  bindgen %8d B  wasm-opt %s %8d B  gzip -9 %8d B\n' \
    "$flavour" "$(stat -c %s "$raw")" "$before" "$level" "$opt" "$gz" | tee "target/wasm-sizes-$flavour.txt"
}

build_mt() {
  log "threaded wasm (www/pkg) with $ATOLL_NIGHTLY, build-std, atomics"
  local t0=$SECONDS
  # Own target dir: no lock contention with native builds, no flag churn with the st build.
  CARGO_TARGET_DIR=target/wasm-mt cargo "+$ATOLL_NIGHTLY" build --release --lib \
    --target wasm32-unknown-unknown -Z build-std=panic_abort,std \
    --no-default-features --features web,wasm-threads,gpu
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
    --target wasm32-unknown-unknown --no-default-features --features web,gpu
  finish st target/wasm-st www/pkg-st
  if grep -q 'shared:true\|shared: true\|function initThreadPool' www/pkg-st/atoll.js; then
    echo "www/pkg-st unexpectedly uses shared memory or the thread pool" >&2; exit 1
  fi
  log "single-threaded build took $((SECONDS - t0)) s"
}

build_excel() {
  log "Excel module (www/pkg-excel) with stable, no atomics, optimised for size"
  local t0=$SECONDS
  # Its own package and target dir (crates/atoll-excel/.cargo/config.toml: target/excel);
  # CARGO_ENCODED_RUSTFLAGS="" as for pkg-st: plain memory, no threads.
  (cd crates/atoll-excel && CARGO_ENCODED_RUSTFLAGS="" cargo +stable build --release --lib \
    --target wasm32-unknown-unknown)
  # Size, not speed: it runs once per click.
  MODULE=atoll_excel LEVEL=-Oz finish excel target/excel www/pkg-excel
  if grep -q 'shared:true\|shared: true' www/pkg-excel/atoll_excel.js; then
    echo "www/pkg-excel unexpectedly uses shared memory" >&2; exit 1
  fi
  log "Excel module build took $((SECONDS - t0)) s"
}

case "$which" in
  mt) build_mt ;;
  st) build_st ;;
  excel) build_excel ;;
  all) build_mt; build_st; build_excel ;;
  *) echo "usage: $0 [mt|st|excel|all]" >&2; exit 2 ;;
esac
