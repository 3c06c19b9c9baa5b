#!/usr/bin/env bash
# A/B of two commits on this machine: exports both (git archive), builds both, runs the same BenchmarkDotNet
# benchmarks alternately for ROUNDS rounds, and writes one Markdown table of after/before ratios (median of the
# per-round medians, minimum of the minima) to OUT. Alternating in one run is what makes a loaded machine usable.
#
# Usage: benchmarks/compare-commits.sh <before commit> <after commit> <BenchmarkDotNet filter>...
# Optional:
#   ROUNDS    rounds (default 3)
#   THREADS   1 (default: both sides pinned to core 0, library limited to one thread) or all (unpinned, default threads)
#   OUT       the result file (default docs/results/commits-<before>-<after>-<UTC date>.md)
#   WORK      where the exported trees and raw JSON go (default a new directory under ${TMPDIR:-/tmp})
#   BDN_ARGS  BenchmarkDotNet job arguments (default: 3 warm-ups, 10 iterations of 100 ms)
# Example: benchmarks/compare-commits.sh HEAD~3 HEAD '*NttBenchmarks*' '*CkksBenchmarks.Multiply*'
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
before="$(git rev-parse --short "$1")"
after="$(git rev-parse --short "$2")"
shift 2
filters=("$@")
rounds="${ROUNDS:-3}"
threads="${THREADS:-1}"
stamp="$(date -u +%Y-%m-%d)"
out="$(realpath -m "${OUT:-docs/results/commits-$before-$after-$stamp.md}")"
work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/compare-commits.XXXXXX")}"
bdn_args="${BDN_ARGS:---warmupCount 3 --iterationCount 10 --iterationTime 100}"
dll=benchmarks/Thestage.Benchmarks/bin/Release/net10.0/Thestage.Benchmarks.dll

for side in before after; do
  commit=$before; [ $side = after ] && commit=$after
  rm -rf "$work/src-$side" && mkdir -p "$work/src-$side"
  git archive "$commit" | tar -x -C "$work/src-$side"
  (cd "$work/src-$side" && dotnet build benchmarks/Thestage.Benchmarks -c Release -v quiet -nologo >&2)
done

run() { # side round
  local pin=() env=()
  [ "$threads" = 1 ] && pin=(taskset -c 0) && env=(env THESTAGE_MAX_PARALLELISM=1)
  echo "[$(date -u +%T)] $1, round $2" >&2
  # shellcheck disable=SC2086 # BDN_ARGS is a list of arguments
  (cd "$work/src-$1" && "${env[@]}" "${pin[@]}" dotnet "$dll" --filter "${filters[@]}" $bdn_args --exporters json \
    --artifacts "$work/$1-$2" >"$work/$1-$2.log" 2>&1)
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then run before "$round"; run after "$round"; else run after "$round"; run before "$round"; fi
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

cpu() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'; }
mode="single-threaded (both pinned to core 0, \`THESTAGE_MAX_PARALLELISM=1\`)"
[ "$threads" = 1 ] || mode="all cores, default parallelism"
cat >"$work/environment.md" <<EOF
# $before → $after, one run on one machine ($stamp)

- Machine: $(cpu "model name") ($(cpu vendor_id), family $(cpu "cpu family"), model $(cpu model)), $(nproc) vCPUs
- Load average (1, 5, 15 min) before the run: $load_before; after: $load_after
- $rounds round(s), the two commits alternating (odd rounds $before first); $mode; BenchmarkDotNet job \`$bdn_args\`
- Command: \`ROUNDS=$rounds THREADS=$threads benchmarks/compare-commits.sh $before $after $(printf "'%s' " "${filters[@]}")\`

Figures in µs: median of the per-round medians and minimum of the minima; "per round" is the range of the per-round
median ratios. Ratio < 1: the later commit is faster.
EOF
mkdir -p "$(dirname "$out")"
(cd "$work/src-after" && dotnet "$dll" commit-report "$work" "$out")
echo "raw figures in $work" >&2
