#!/usr/bin/env bash
# ITC-2019 solver measurements for docs/ITC2019.md: for each shared instance (or those
# named), `atoll solve X.xml --time SECONDS --threads THREADS --seed SEED --json`, then a
# Markdown table row: time to first feasible, the weighted total with its four parts
# (unweighted), best known (shared/instances/itc2019/best_known.csv) and the ratio.
#
#   scripts/bench-itc2019.sh [-t SECONDS] [-j THREADS] [-s SEED] [-b ATOLL] [INSTANCE...]
#
# Defaults: 120 s, 2 threads, seed 1, target/release/atoll, all 9 shared instances.
# Writes the solutions to $OUT_DIR (default /tmp/atoll-itc2019-bench) and prints the table
# with the load average at the start, since the machine may be shared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
secs=120
threads=2
seed=1
atoll=$here/target/release/atoll
while getopts "t:j:s:b:" o; do
    case $o in
        t) secs=$OPTARG ;;
        j) threads=$OPTARG ;;
        s) seed=$OPTARG ;;
        b) atoll=$OPTARG ;;
        *) echo "usage: $0 [-t SECONDS] [-j THREADS] [-s SEED] [-b ATOLL] [INSTANCE...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
out=${OUT_DIR:-/tmp/atoll-itc2019-bench}
mkdir -p "$out"
if [ $# -eq 0 ]; then
    set -- "$shared"/instances/itc2019/test/*.xml "$shared"/instances/itc2019/early/*.xml
fi
[ -x "$atoll" ] || { echo "no executable $atoll (cargo build --release, or -b PATH)" >&2; exit 2; }
echo "<!-- $(date -u +%F\ %H:%M) UTC, $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $atoll solve X --time $secs --threads $threads --seed $seed -->"
echo
echo "| instance | first feasible, s | total at ${secs} s | time | room | distribution | student | hard | best known | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for f in "$@"; do
    name=$(basename "$f" .xml)
    json=$("$atoll" solve "$f" --time "$secs" --threads "$threads" --seed "$seed" --json --quiet \
        -o "$out/$name.xml" 2>/dev/null)
    best=$(awk -F, -v n="$name" '$1 == n { print $2 }' "$shared/instances/itc2019/best_known.csv")
    jq -r --arg name "$name" --arg best "${best:-}" '
        def r(x): if x == null then "never" else (x * 10 | round / 10 | tostring) end;
        [ $name, r(.search.time_to_feasible_s), (.total | tostring), (.time | tostring),
          (.room | tostring), (.distribution | tostring), (.student | tostring),
          (.hard_violations | tostring),
          (if $best == "" then "–" else $best end),
          (if $best == "" then "–" else ((.total / ($best | tonumber) * 100 | round) / 100 | tostring) + "×" end)
        ] | "| " + join(" | ") + " |"' <<<"$json"
done
