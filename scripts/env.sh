# Shared settings for the scripts (sourced, not run). Pinned versions move together; see
# the shared TOOLCHAIN.md.
ATOLL_NIGHTLY="nightly-2026-05-20"
ATOLL_WASM_BINDGEN="0.2.130"
ATOLL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ATOLL_ROOT/node_modules/.bin:$PATH"
# The shared data (instances) the Rust tests read; ../shared beside the checkout by default.
export ATOLL_SHARED="${ATOLL_SHARED:-$ATOLL_ROOT/../shared}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
