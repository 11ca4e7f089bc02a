#!/usr/bin/env bash
# Measurements prepared for a session that is lent the 16-core H200 machine. Tables go to
# $OUT (default ./device-out). Run from the repository root with a release binary built
# here and carried, the Vulkan loader and the instances carried too (the machine has
# neither, and ../shared does not travel). Here, once:
#   cargo build --release --bin atoll
#   echo /.gl/ >> .git/info/exclude; echo /.devdata/ >> .git/info/exclude
#   (the `.gl` packages: see the device tool's README)
#   mkdir -p .devdata/instances && cp -r ../shared/instances/itc2007 .devdata/instances/
# then run with carry ["target/release/atoll", ".gl", ".devdata"] and the command
#   ATOLL_SHARED=.devdata bash scripts/device-bench.sh MODE
# Modes (one device call each; a session is lent about 15 minutes, ~30 s per start):
#   first  the adapter check (`bench-gpu`, exact vs the CPU), the GPU ablation at 10 s on
#          16 threads (comp01–14) and moves/s of 1 vs 2/4/8/16 threads on comp07 and
#          comp12 (3 s each); about 6 minutes. Ran on 2026-12-04
#          (docs/tuning/device-h200-first-2026-12-04.txt).
#   gpu    the GPU search ablation (issue 14): GPU-assisted vs CPU-only on comp01–14 at
#          10 s on 16 threads, then comp07 at 60 s, with GPU vs one-core moves/s; about
#          7 minutes (14 × 2 × 10 s + 2 × 60 s + ~1 s of speed per instance).
#   gpu10  the `gpu` mode's 10 s table only; about 5.5 minutes.
#   cpu    quality with 2 and with 16 threads, comp01–14 at 10 s, seed 1 (issue 19 item
#          4: 16 threads must not be worse than 2 on any instance); about 5 minutes.
#   ATOLL_SHARED  the shared data folder (default ../shared)
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
case "$MODE" in
  first)
    echo "== bench-gpu comp07 (adapter, exactness, batch speed)" | tee "$OUT/first.txt"
    "$BIN" bench-gpu "$I/comp07.ctt" --batch 1024,16384 --seconds 0.5 2>&1 |
      tee -a "$OUT/first.txt" || true
    echo "== --gpu-ablation, comp01-14, 10 s, 16 threads, seed 1" | tee -a "$OUT/first.txt"
    "$BIN" bench "$I"/comp{01..14}.ctt --gpu-ablation --seeds 1 --time 10 --threads 16 \
      --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/first.txt" || true
    for t in 2 4 8 16; do
      echo "== --scaling --threads $t (3 s per run)" | tee -a "$OUT/first.txt"
      "$BIN" bench "$I"/comp{07,12}.ctt --scaling --threads "$t" --time 3 --seeds 1 \
        --evaluator cpu 2>&1 | tee -a "$OUT/first.txt" || true
    done
    ;;
  gpu | gpu10)
    times="10 60"
    [ "$MODE" = gpu10 ] && times=10
    for t in $times; do
      set -- "$I"/comp{01..14}.ctt
      [ "$t" = 60 ] && set -- "$I/comp07.ctt"
      echo "== --gpu-ablation, $t s, 16 threads, seed 1" | tee -a "$OUT/gpu.txt"
      "$BIN" bench "$@" --gpu-ablation --seeds 1 --time "$t" --threads 16 \
        --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/gpu.txt" || true
    done
    ;;
  cpu)
    for t in 2 16; do
      echo "== quality, --threads $t, 10 s, seed 1" | tee -a "$OUT/quality.txt"
      "$BIN" bench "$I"/comp{01..14}.ctt --seeds 1 --time 10 --threads "$t" --evaluator cpu \
        --best-known "$I/best_known.csv" 2>&1 | tee -a "$OUT/quality.txt" || true
    done
    ;;
  *)
    echo "usage: scripts/device-bench.sh [first|gpu|gpu10|cpu]" >&2
    exit 2
    ;;
esac
