#!/usr/bin/env bash
# The many-core measurement prepared for a session that is lent the 16-core GPU machine
# (issue 19 item 4): moves/s scaling of 1 vs 2/4/8/16 threads, and quality at 10 s with 2
# and 16 threads on comp01–14. About 7 minutes of device time. Tables go to $OUT (default
# ./device-out). Run from the repository root, with a release binary built here and carried
# (`cargo build --release --bin atoll`, carry `target/release/atoll`) or built there.
#   ATOLL_SHARED  the shared data folder (default ../shared)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${OUT:-device-out}"
SHARED="${ATOLL_SHARED:-../shared}"
mkdir -p "$OUT"
BIN=target/release/atoll
[ -x "$BIN" ] || cargo build --release --bin atoll
{ nproc; free -g; nvidia-smi -L 2>/dev/null || true; } > "$OUT/machine.txt"
I="$SHARED/instances/itc2007"
for t in 2 4 8 16; do
  echo "== --scaling --threads $t (5 s per run)" | tee -a "$OUT/scaling.txt"
  "$BIN" bench "$I"/comp{07,12,05}.ctt --scaling --threads "$t" --time 5 --seeds 1 \
    --evaluator cpu 2>&1 | tee -a "$OUT/scaling.txt"
done
for t in 2 16; do
  echo "== quality, --threads $t, 10 s, seed 1" | tee -a "$OUT/quality.txt"
  "$BIN" bench "$I"/comp{01..14}.ctt --seeds 1 --time 10 --threads "$t" --evaluator cpu \
    --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/quality.txt"
done
