#!/usr/bin/env bash
# Measures Thestage.Privacy against Microsoft SEAL on this machine, in one run: SEAL's benchmark program
# (../shared/anchors/seal-bench: the same operations, parameters and semantics as our suites) and our BenchmarkDotNet
# suites (NTT, CKKS operations, key generation, the anchor workload) run back to back, alternating, for ROUNDS rounds,
# single-threaded (both pinned to core 0, our library limited to one thread) and with both cores; then one Markdown
# table of the ratios ours/SEAL (median and minimum, per operation and parameter set) is written to OUT.
#
# Input (one of):
#   SEAL_DIR    an installed SEAL 4.4.x (install prefix); the anchor's run.sh builds and runs its program against it
#   SEAL_BENCH  the path of an already built seal_bench executable
# Optional:
#   SEAL_ANCHOR the folder of the anchor program (default: ../shared/anchors/seal-bench beside this repository)
#   ROUNDS      rounds per mode (default 3); MODES "single both" (default) or one of them
#   OUT         the result file (default docs/results/seal-comparison-<UTC date>.md)
#   WORK        where the raw TSV/JSON go (default a new directory under ${TMPDIR:-/tmp})
#   COMMIT      the commit measured, when this copy of the sources is not a git work tree
#   BDN_ARGS    BenchmarkDotNet job arguments (default: 3 warm-ups, 10 iterations of 100 ms)
#   FILTERS     BenchmarkDotNet filters, space-separated (default: the four suites SEAL's program covers)
# Example: SEAL_DIR=/tmp/seal-install benchmarks/compare-seal.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
anchor="${SEAL_ANCHOR:-$root/../shared/anchors/seal-bench}"
rounds="${ROUNDS:-3}"
modes="${MODES:-single both}"
stamp="$(date -u +%Y-%m-%d)"
out="${OUT:-docs/results/seal-comparison-$stamp.md}"
work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/compare-seal.XXXXXX")}"
bdn_args="${BDN_ARGS:---warmupCount 3 --iterationCount 10 --iterationTime 100}"
mkdir -p "$work"

if [ -n "${SEAL_BENCH:-}" ]; then
  seal_cmd=("$SEAL_BENCH")
elif [ -n "${SEAL_DIR:-}" ]; then
  [ -x "$anchor/run.sh" ] || { echo "no $anchor/run.sh: set SEAL_ANCHOR to the seal-bench anchor folder" >&2; exit 2; }
  seal_cmd=(env "SEAL_DIR=$SEAL_DIR" "$anchor/run.sh")
else
  echo "set SEAL_DIR (a SEAL 4.4.x install prefix) or SEAL_BENCH (a built seal_bench); see the header of this script" >&2
  exit 2
fi

dotnet build benchmarks/Thestage.Benchmarks -c Release -v quiet -nologo >&2
dll="benchmarks/Thestage.Benchmarks/bin/Release/net10.0/Thestage.Benchmarks.dll"
filters=('*NttBenchmarks*' '*CkksBenchmarks*' '*KeyGenerationBenchmarks*' '*WorkloadBenchmarks*')
[ -n "${FILTERS:-}" ] && read -r -a filters <<<"$FILTERS"

run_seal() { # mode round
  local pin=(); [ "$1" = single ] && pin=(taskset -c 0)
  echo "[$(date -u +%T)] SEAL, $1, round $2" >&2
  "${pin[@]}" "${seal_cmd[@]}" >"$work/seal-$1-$2.tsv" 2>>"$work/seal-build.log"
}

run_ours() { # mode round
  local pin=() threads=()
  [ "$1" = single ] && pin=(taskset -c 0) && threads=(env THESTAGE_MAX_PARALLELISM=1)
  echo "[$(date -u +%T)] ours, $1, round $2" >&2
  # shellcheck disable=SC2086 # BDN_ARGS is a list of arguments
  "${threads[@]}" "${pin[@]}" dotnet "$dll" --filter "${filters[@]}" $bdn_args --exporters json \
    --artifacts "$work/ours-$1-$2" >"$work/ours-$1-$2.log" 2>&1
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run_start="$(date -u +%H:%M)"
seal_input="SEAL_DIR=<SEAL install>"
[ -n "${SEAL_BENCH:-}" ] && seal_input="SEAL_BENCH=<built seal_bench>"
for round in $(seq 1 "$rounds"); do
  for mode in $modes; do
    # Alternate which side goes first, so a drift of the machine's speed does not favour one side.
    if [ $((round % 2)) -eq 1 ]; then run_seal "$mode" "$round"; run_ours "$mode" "$round"
    else run_ours "$mode" "$round"; run_seal "$mode" "$round"; fi
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

cpu() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'; }
flags="$(cpu flags)"
simd="$(for f in avx2 avx512f avx512dq avx512ifma avx512vl; do case " $flags " in *" $f "*) printf '%s ' "$f";; esac; done)"
seal_version="$(grep -m1 '^# SEAL' "$work/seal-${modes%% *}-1.tsv" | sed 's/^# //; s/, single thread.*//')"
if git rev-parse --git-dir >/dev/null 2>&1; then
  commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benchmarks || echo ' (with uncommitted changes)')"
else
  commit="${COMMIT:-unknown (not a git work tree; set COMMIT)}"
fi
cat >"$work/environment.md" <<EOF
# Thestage.Privacy against Microsoft SEAL, one run on one machine ($stamp)

Every ratio below compares two figures measured on this machine in this run; no figure comes from another machine.

- Machine: $(cpu "model name") ($(cpu vendor_id), family $(cpu "cpu family"), model $(cpu model)), $(nproc) vCPUs,
  SIMD: ${simd}$(grep -q hypervisor <<<"$flags" && echo "; virtual machine")
- Load average (1, 5, 15 min) before the run: $load_before; after: $load_after
- SEAL: $seal_version (Release, $(c++ --version | head -1)); ours: commit $commit, .NET $(dotnet --version) SDK,
  BenchmarkDotNet job \`$bdn_args\`
- Command: \`$seal_input ROUNDS=$rounds MODES="$modes"${FILTERS:+ FILTERS='$FILTERS'} benchmarks/compare-seal.sh\`, run $run_start–$(date -u +%H:%M) UTC, ${rounds} round(s) per
  mode, SEAL and ours alternating (odd rounds SEAL first, even rounds ours first)

Same semantics on both sides (SEAL: \`seal_bench.cpp\`; ours: \`benchmarks/Thestage.Benchmarks\`): SEAL's default
128-bit moduli, every operand at the first data level, scale 2^30 (N = 4096) or 2^40; Multiply and Square without
relinearization; RescaleToNext of a relinearized product; RotateVector by one step. SEAL times \`*_inplace\` calls on
a fresh copy (the copy untimed; Multiply and Square grow it to size 3 within its pooled capacity). Ours times the
\`…Inplace\` call repeated on one working ciphertext, the same operation on an operand of the same shape: Add,
AddPlain, Negate and RotateVector as they are; MultiplyPlain, Multiply and Square after setting the scale (and the
size, 2) back, Relinearize after setting the size back to 3 (field stores; the buffer keeps its capacity as SEAL's
does; the words are the previous call's output, and the arithmetic does not depend on them). The rows "ours returns a
new ciphertext" time our allocating API call, a fresh large-object-heap array per call (SEAL has no such call in
its program). RescaleToNext cannot be repeated in place: ours returns a new ciphertext (SEAL's in-place rescale
allocates its result from its pool). NTT: the same prime
sizes, forward/inverse with full reduction, lazy variants as SEAL's \`*_lazy\`. Workload: SEAL's
\`workload.server_total\` (multiply plain, rescale, add plain, 12 × rotate-and-add, square, relinearize, rescale) and
\`workload.client_encode_encrypt\` against \`WorkloadBenchmarks\`.

A SEAL figure is the median (or minimum) of 50 single calls (15 for calls over 25 ms); one of ours is the median (or
minimum) of 10 BenchmarkDotNet iterations, each the mean of as many calls as fill 100 ms, so our minimum is a mean
and favours SEAL slightly. Across rounds: the median of the per-round medians, the minimum of the minima; "per round"
is the range of the per-round median ratios. Ratio < 1: we are faster.
EOF

dotnet "$dll" seal-report "$work" "$out"
echo "raw figures in $work" >&2
