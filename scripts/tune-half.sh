#!/usr/bin/env bash
# One configuration of docs/TUNING.md on one half of comp01-14 at a fixed generation count:
#   scripts/tune-half.sh LABEL train|test N [--set NAME=VALUE ...]
# Writes docs/tuning/LABEL-HALF-N.txt: the command, the load average before and after,
# and `atoll bench --generations N`'s table (seeds $ATOLL_SEEDS, default 1,2,3; 2 threads =
# 2 islands). ATOLL_BIN names the binary (default target/quick/atoll).
set -euo pipefail
label=$1 half=$2 n=$3
shift 3
bin=${ATOLL_BIN:-target/quick/atoll}
seeds=${ATOLL_SEEDS:-1,2,3}
dir=${ATOLL_SHARED:-../shared}/instances/itc2007
case $half in
  train) ids="01 03 05 07 09 11 13" ;;
  test) ids="02 04 06 08 10 12 14" ;;
  *) echo "half is train or test" >&2; exit 2 ;;
esac
files=()
for i in $ids; do files+=("$dir/comp$i.ctt"); done
out=docs/tuning/$label-$half-$n.txt
{
  echo "# $bin bench comp{$ids} --generations $n --seeds $seeds --threads 2 $*"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%FT%TZ)"
  "$bin" bench "${files[@]}" --generations "$n" --seeds "$seeds" --threads 2 \
    --best-known "$dir/best_known.csv" "$@"
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%FT%TZ)"
} > "$out"
grep "geometric mean" "$out"
