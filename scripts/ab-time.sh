#!/usr/bin/env bash
# An equal-wall-time A/B of one option setting against the defaults on comp01-14:
#   scripts/ab-time.sh LABEL SECONDS [--set NAME=VALUE ...]
# For each instance (the even, "test", half first) runs `atoll bench --time SECONDS` with
# the defaults, then with the given settings, back to back so that the machine's drift
# hits both alike. Writes docs/tuning/LABEL-{base,alt}-SECONDSs.txt (the command, the load
# before and after, the tables). Seeds $ATOLL_SEEDS (default 1,2,3), 2 threads, binary
# $ATOLL_BIN (default target/release/atoll). $ATOLL_HALF: `test` (comp02, 04, .., 14) or
# `train` (comp01, 03, .., 13) runs that half only (default: both, test first); the files
# are then LABEL-{base,alt}-SECONDSs-HALF.txt. The machine must be otherwise idle: the
# budget is wall time.
set -euo pipefail
label=$1 secs=$2
shift 2
bin=${ATOLL_BIN:-target/release/atoll}
seeds=${ATOLL_SEEDS:-1,2,3}
dir=${ATOLL_SHARED:-../shared}/instances/itc2007
even=(02 04 06 08 10 12 14) odd=(01 03 05 07 09 11 13)
case "${ATOLL_HALF:-}" in
  "") ids=("${even[@]}" "${odd[@]}") suffix= names='comp{02,04,..,14,01,03,..,13}' ;;
  test) ids=("${even[@]}") suffix=-test names='comp{02,04,..,14}' ;;
  train) ids=("${odd[@]}") suffix=-train names='comp{01,03,..,13}' ;;
  *) echo "ATOLL_HALF must be test or train, not '$ATOLL_HALF'" >&2; exit 2 ;;
esac
base=docs/tuning/$label-base-${secs}s$suffix.txt alt=docs/tuning/$label-alt-${secs}s$suffix.txt
for f in "$base" "$alt"; do
  echo "# $bin bench $names --time $secs --seeds $seeds --threads 2 $([ "$f" = "$alt" ] && echo "$*")" > "$f"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%FT%TZ)" >> "$f"
done
for i in "${ids[@]}"; do
  args=("$dir/comp$i.ctt" --time "$secs" --seeds "$seeds" --threads 2 --best-known "$dir/best_known.csv")
  "$bin" bench "${args[@]}" >> "$base"
  "$bin" bench "${args[@]}" "$@" >> "$alt"
done
for f in "$base" "$alt"; do
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)  $(date -u +%FT%TZ)" >> "$f"
done
