#!/usr/bin/env bash
# Measurements prepared for a session that is lent the 16-core GPU machine. Tables go to
# $OUT (default ./device-out). Run from the repository root, with a release binary built
# here and carried (`cargo build --release --bin atoll`, carry `target/release/atoll`) or
# built there.
#   scripts/device-bench.sh        the CPU part (issue 19 item 4): moves/s scaling of 1 vs
#                                  2/4/8/16 threads, quality at 10 s with 2 and 16 threads
#                                  on comp01–14; about 7 minutes.
#   scripts/device-bench.sh gpu    the GPU search ablation (issue 14): GPU-assisted vs
#                                  CPU-only, comp01–14 at 10 s on 16 threads, then comp07
#                                  at 60 s, plus GPU vs one-core moves/s; about 7.5 minutes
#                                  (14 × 2 × 10 s + 2 × 60 s + ~1 s of speed per instance).
#   scripts/device-bench.sh first  one call for a first lease (about 6.5 minutes): the
#                                  adapter check (`bench-gpu`, exact vs the CPU), the GPU
#                                  ablation at 10 s on 16 threads (comp01–14), and moves/s
#                                  of 1 vs 2/4/8/16 threads on comp07 and comp12 (3 s each).
#   scripts/device-bench.sh gpu10  the 10 s ablation alone (comp01–14, 16 threads), then
#                                  comp07 at 60 s; about 7 minutes.
#   ATOLL_SHARED  the shared data folder (default ../shared)
#   On the H200 machine Vulkan's loader is missing: carry `.gl` (see the device tool's
#   README) and this script unpacks it.
set -euo pipefail
MODE="${1:-cpu}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${OUT:-device-out}"
SHARED="${ATOLL_SHARED:-../shared}"
mkdir -p "$OUT"
BIN=target/release/atoll
[ -x "$BIN" ] || cargo build --release --bin atoll
if ls .gl/*.deb >/dev/null 2>&1 && ! ldconfig -p | grep -q libvulkan; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if [ "$MODE" != cpu ] && ! ldconfig -p | grep -q libvulkan; then
  echo "no Vulkan loader here: carry .gl (see the device tool's README); the GPU would not run" >&2
  exit 2
fi
if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
{ nproc; free -g; nvidia-smi -L 2>/dev/null || true; } > "$OUT/machine.txt"
I="$SHARED/instances/itc2007"
if [ "$MODE" = first ]; then
  echo "== bench-gpu comp07 (adapter, exactness, batch speed)" | tee "$OUT/first.txt"
  "$BIN" bench-gpu "$I/comp07.ctt" --batch 1024,16384 --seconds 0.5 2>&1 | tee -a "$OUT/first.txt" || true
  echo "== --gpu-ablation, comp01-14, 10 s, 16 threads, seed 1" | tee -a "$OUT/first.txt"
  "$BIN" bench "$I"/comp{01..14}.ctt --gpu-ablation --seeds 1 --time 10 --threads 16 \
    --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/first.txt" || true
  for t in 2 4 8 16; do
    echo "== --scaling --threads $t (3 s per run)" | tee -a "$OUT/first.txt"
    "$BIN" bench "$I"/comp{07,12}.ctt --scaling --threads "$t" --time 3 --seeds 1 \
      --evaluator cpu 2>&1 | tee -a "$OUT/first.txt" || true
  done
  exit 0
fi
if [ "$MODE" = gpu10 ]; then
  for t in 10 60; do
    set -- "$I"/comp{01..14}.ctt
    [ "$t" = 60 ] && set -- "$I/comp07.ctt"
    echo "== --gpu-ablation, $t s, 16 threads, seed 1" | tee -a "$OUT/gpu10.txt"
    "$BIN" bench "$@" --gpu-ablation --seeds 1 --time "$t" --threads 16 \
      --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/gpu10.txt" || true
  done
  exit 0
fi
if [ "$MODE" = gpu ]; then
  { vulkaninfo --summary 2>/dev/null | grep -iE 'deviceName|deviceType|driverName' || true; } >> "$OUT/machine.txt"
  echo "== --gpu-ablation, comp01-14, 10 s, 16 threads, seed 1" | tee -a "$OUT/gpu-ablation.txt"
  "$BIN" bench "$I"/comp{01..14}.ctt --gpu-ablation --seeds 1 --time 10 --threads 16 \
    --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/gpu-ablation.txt"
  echo "== --gpu-ablation, comp07, 60 s, 16 threads, seed 1" | tee -a "$OUT/gpu-ablation-60s.txt"
  "$BIN" bench "$I"/comp07.ctt --gpu-ablation --seeds 1 --time 60 --threads 16 \
    --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/gpu-ablation-60s.txt"
  exit 0
fi
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
