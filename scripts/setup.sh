#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there, so it is
# cheap to run before every `npm start` / `npm test`. Needs rustup + cargo (stable) and
# node/npm. With --test it also makes sure headless Chromium and chromedriver exist
# (installing them with apt-get when running as root).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ATOLL_ROOT"

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

command -v rustup >/dev/null && command -v cargo >/dev/null ||
  { echo "setup: rustup and cargo are needed (https://rustup.rs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: node and npm are needed" >&2; exit 1; }

# 1. The pinned nightly for the threaded build: rust-src (build-std) and the wasm32 std.
if ! rustup toolchain list | grep -q "^$ATOLL_NIGHTLY"; then
  log "installing $ATOLL_NIGHTLY (rust-src, wasm32-unknown-unknown)"
  rustup toolchain install "$ATOLL_NIGHTLY" --profile minimal -c rust-src -t wasm32-unknown-unknown
fi
nightly_installed=$(rustup component list --installed --toolchain "$ATOLL_NIGHTLY")
grep -q '^rust-src' <<<"$nightly_installed" ||
  { log "adding rust-src to $ATOLL_NIGHTLY"; rustup component add rust-src --toolchain "$ATOLL_NIGHTLY"; }
grep -q '^rust-std-wasm32-unknown-unknown' <<<"$nightly_installed" ||
  { log "adding wasm32 to $ATOLL_NIGHTLY"; rustup target add wasm32-unknown-unknown --toolchain "$ATOLL_NIGHTLY"; }

# 2. Stable: the wasm32 target for the single-threaded build; rustfmt and clippy for tests.
rustup toolchain list | grep -q '^stable' ||
  { log "installing stable"; rustup toolchain install stable --profile minimal -c rustfmt -c clippy; }
stable_installed=$(rustup component list --installed --toolchain stable)
grep -q '^rust-std-wasm32-unknown-unknown' <<<"$stable_installed" ||
  { log "adding wasm32-unknown-unknown to stable"; rustup target add wasm32-unknown-unknown --toolchain stable; }
if [ "$want_test" = 1 ]; then
  grep -q '^clippy' <<<"$nightly_installed" ||
    { log "adding clippy to $ATOLL_NIGHTLY"; rustup component add clippy --toolchain "$ATOLL_NIGHTLY"; }
  for comp in rustfmt clippy; do
    grep -q "^$comp" <<<"$stable_installed" ||
      { log "adding $comp to stable"; rustup component add "$comp" --toolchain stable; }
  done
fi

# 3. wasm-bindgen-cli, exactly the version of the wasm-bindgen crate. No --locked: the
#    locked set needs a crate version the registry mirror lacks (TOOLCHAIN.md).
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $ATOLL_WASM_BINDGEN" ]; then
  log "installing wasm-bindgen-cli $ATOLL_WASM_BINDGEN (about 10 minutes the first time)"
  cargo +stable install wasm-bindgen-cli --version "$ATOLL_WASM_BINDGEN" --force
fi

# 4. npm packages (binaryen's wasm-opt, playwright-core), as locked.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund
fi

# 5. Headless Chromium and chromedriver for the browser tests (Debian packages).
if [ "$want_test" = 1 ]; then
  if [ ! -x /usr/bin/chromium ] || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing chromium and chromium-driver"
      apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
    else
      echo "setup: the browser tests need /usr/bin/chromium and chromedriver" \
        "(apt-get install chromium chromium-driver)" >&2
      exit 1
    fi
  fi
fi
log "setup complete"
