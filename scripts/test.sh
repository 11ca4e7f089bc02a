#!/usr/bin/env bash
# Everything `npm test` runs after scripts/setup.sh: format, lints, the Rust tests, both
# wasm builds, the wasm-bindgen tests in headless Chromium, the browser tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ATOLL_ROOT"
t_all=$SECONDS
step() { log "$*"; t_step=$SECONDS; }
done_step() { log "… $((SECONDS - t_step)) s"; }

step "cargo fmt --check"
cargo fmt --all -- --check
(cd tests/wasm && cargo fmt -- --check) # this package only, not its path dependency
done_step

step "cargo clippy --all-targets -- -D warnings (native)"
cargo clippy --all-targets -- -D warnings
done_step

step "cargo clippy for wasm32 (src/web.rs both flavours, tests/wasm)"
# Single-threaded flavour, as built (no atomics flags).
CARGO_ENCODED_RUSTFLAGS="" CARGO_TARGET_DIR=target/wasm-st cargo +stable clippy \
  --target wasm32-unknown-unknown --no-default-features --features gpu --lib -- -D warnings
(cd tests/wasm && CARGO_ENCODED_RUSTFLAGS="" CARGO_TARGET_DIR=../../target/wasm-st cargo +stable clippy \
  --target wasm32-unknown-unknown --tests -- -D warnings)
# Threaded flavour, as built: the nightly's clippy with build-std and the config's flags
# (stable cannot: it does not set cfg(target_feature = "atomics")).
CARGO_TARGET_DIR=target/wasm-mt cargo "+$ATOLL_NIGHTLY" clippy --release \
  --target wasm32-unknown-unknown -Z build-std=panic_abort,std \
  --no-default-features --features wasm-threads,gpu --lib -- -D warnings
(cd tests/wasm && CARGO_TARGET_DIR=../../target/wasm-test cargo "+$ATOLL_NIGHTLY" clippy --release \
  --target wasm32-unknown-unknown -Z build-std=panic_abort,std \
  --features wasm-threads --tests -- -D warnings)
done_step

step "cargo test --release (ATOLL_SHARED=$ATOLL_SHARED)"
# wgpu's Vulkan loader wants a private runtime dir (tests/gpu_exact.rs on lavapipe).
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/atoll-xdg-runtime}"
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
cargo test --release
cargo build --release --bin atoll # the browser tests compare with the CLI
done_step

step "loom model checking of Stage 3's shared structures (tests/loom.rs, --cfg atoll_loom)"
# Own target dir: the cfg changes every crate's flags, so it must not touch target/release.
RUSTFLAGS="--cfg atoll_loom" CARGO_TARGET_DIR=target/loom cargo test --no-default-features --test loom
done_step

step "wasm builds (threaded www/pkg, single-threaded www/pkg-st)"
bash scripts/build-wasm.sh all
done_step

step "wasm-bindgen tests (tests/wasm) in headless Chromium, threaded build"
command -v chromedriver >/dev/null || { echo "chromedriver not on PATH" >&2; exit 1; }
# Own target dir (see tests/wasm/.cargo/config.toml): the crate's rlib name has no hash.
(cd tests/wasm && CARGO_TARGET_DIR=../../target/wasm-test cargo "+$ATOLL_NIGHTLY" test --release \
  --target wasm32-unknown-unknown -Z build-std=panic_abort,std --features wasm-threads)
done_step

step "atoll.d.ts: tsc --noEmit --strict on tests/types/example.ts, and wrong types refused"
node --test --test-reporter=spec tests/types/
done_step

step "browser tests (node --test, playwright-core, /usr/bin/chromium)"
node --test --test-reporter=spec --test-concurrency=1 tests/browser/
done_step

log "all tests passed in $((SECONDS - t_all)) s"
