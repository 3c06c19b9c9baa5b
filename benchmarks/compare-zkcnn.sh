#!/usr/bin/env bash
# LeNet-5 inference proofs, ours against zkCNN (TAMUCrypto/zkCNN, Liu–Xie–Zhang CCS 2021), on this machine in one run:
# ROUNDS rounds, each running zkCNN's demo_lenet_run (one picture) and then our LeNet-5 (max pooling, as zkCNN's) back to
# back, each under /usr/bin/time -v; afterwards, unless BDN=0, BenchmarkDotNet's InferenceProofBenchmarks on the LeNet-5
# workloads (Prove, Verify, CommitModel). Writes the raw outputs and a summary (medians and minima) to WORK.
#
# Definitions (those of ../shared/anchors/zkcnn-results-2026-12-07.txt):
#   zkCNN prover   = "Prove Time" (GKR) + "poly pt" (Hyrax commitment and opening); reading the input, quantization,
#                    witness, circuit and generator setup are outside it.
#   zkCNN verifier = GKR verification without the wiring-predicate part + Hyrax "vt" (its own figure); also given with the
#                    wiring predicate ("verify time" total + vt).
#   ours prover    = witness commitment, logUp, layer sumchecks, batched openings, serialization (InferenceProver after the
#                    witness: the same split); "+ witness" adds the integer evaluation and witness segments.
#   ours mode      = MODE: hiding (default: zero-knowledge Ligero commitments, LigeroParameters.DefaultHiding, issue 13's
#                    targets) or plain (the non-hiding mode, LigeroParameters.Default).
#   ours verifier  = deserialization + InferenceVerifier.VerifyBatch, the model's range proof already checked (cached);
#                    our verifier computes the convolution and pooling selectors itself (zkCNN's "with wiring" counterpart).
#   proof size     = zkCNN's total (GKR + Hyrax) in KiB; ours: the TSIP bytes.
#   CPU time       = ours also as CPU time of the proving thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a loaded machine
#                    the time the thread actually ran; zkCNN's timers are wall-clock only.
#   peak memory    = maximum resident set size of the whole process (/usr/bin/time -v): zkCNN's process proves and verifies
#                    one picture; ours ("cold") commits the model, proves and verifies one image (no warm-up).
# Ours is timed twice per round: "cold" (the first proof of a fresh process, JIT included: the process measured for memory)
# and "warm" (WARM_UP proofs, then MEASURED proofs in the same process; the median of those is the round's figure).
#
# Input:
#   ZKCNN_BIN   the built demo_lenet_run (default /tmp/zkcnn/src/cmake-build-release/src/demo_lenet_run). To build it: fetch
#               TAMUCrypto/zkCNN at bdc3309 with its submodule 3rd/hyrax-bls12-381 at baedf71 and that one's 3rd/mcl
#               (herumi/mcl) at 0c31ab96, then in the zkCNN folder: mkdir cmake-build-release && cd cmake-build-release &&
#               cmake -DCMAKE_BUILD_TYPE=Release -G "CodeBlocks - Unix Makefiles" .. && make demo_lenet_run
#               (needs cmake, g++ and libgmp-dev). Its data.tar.gz is not needed: the input is generated below.
# Optional:
#   ROUNDS (default 5), WARM_UP (default 2), MEASURED (default 5), MODE (hiding or plain, default hiding), BDN (default 1), BDN_ARGS (default --job short),
#   WORK (default a new directory under ${TMPDIR:-/tmp}), QUIET_LOAD (wait until the 1-minute load average is below it
#   before each run, at most 60 s; default: do not wait).
# Example: ROUNDS=5 benchmarks/compare-zkcnn.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
zkcnn="${ZKCNN_BIN:-/tmp/zkcnn/src/cmake-build-release/src/demo_lenet_run}"
rounds="${ROUNDS:-5}"
warm_up="${WARM_UP:-2}"
measured="${MEASURED:-5}"
mode="${MODE:-hiding}"
work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/compare-zkcnn.XXXXXX")}"
mkdir -p "$work"
[ -x "$zkcnn" ] || { echo "no zkCNN binary at $zkcnn: build it as the header of this script says, or set ZKCNN_BIN" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is required for the peak memory" >&2; exit 2; }

# zkCNN's input (1x32x32 picture, then conv/dense weights and biases layer by layer: 61,706 parameters): an MNIST-like
# ring on a 28x28 canvas padded to 32x32, normalized with MNIST's mean and standard deviation, and Kaiming-normal weights
# with a fixed seed (zkCNN re-quantizes every tensor from its own range, so only the distributions' shapes matter).
python3 - "$work/lenet5-digit.txt" <<'PY'
import math, random, sys
rng = random.Random(20261207)
vals = []
for y in range(32):
    for x in range(32):
        r = math.hypot((x - 15.5) / 0.8, y - 15.5)
        ink = max(0.0, min(1.0, 1.5 - abs(r - 8.0))) if 2 <= x < 30 and 2 <= y < 30 else 0.0
        vals.append((ink - 0.1307) / 0.3081)
def layer(n_out, fan_in, n_w):
    std = math.sqrt(2.0 / fan_in)
    vals.extend(rng.gauss(0.0, std) for _ in range(n_w))
    vals.extend(rng.gauss(0.0, 0.05) for _ in range(n_out))
layer(6, 25, 6 * 25)
layer(16, 150, 16 * 150)
layer(120, 400, 120 * 400)
layer(84, 120, 84 * 120)
layer(10, 84, 10 * 84)
assert len(vals) == 1024 + 61706
open(sys.argv[1], "w").write("\n".join("%.6f" % v for v in vals) + "\n")
PY
: >"$work/empty-config.csv"

dotnet build benchmarks/Thestage.Benchmarks -c Release -v quiet -nologo >&2
dll="benchmarks/Thestage.Benchmarks/bin/Release/net10.0/Thestage.Benchmarks.dll"

quiet() {
  [ -n "${QUIET_LOAD:-}" ] || return 0
  for _ in $(seq 60); do
    awk -v limit="$QUIET_LOAD" '{ exit !($1 < limit) }' /proc/loadavg && return 0
    sleep 1
  done
}

{
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), $(nproc) vCPUs, $(grep MemTotal /proc/meminfo | awk '{printf "%.1f GiB", $2 / 1048576}')"
  echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); dotnet $(dotnet --version); $(g++ --version | head -1)"
  echo "# started $(date -u +%FT%TZ); rounds $rounds, warm-up $warm_up, measured $measured; ours: $mode"
} >"$work/machine.txt"

for r in $(seq "$rounds"); do
  quiet
  echo "[$(date -u +%T)] round $r: zkCNN (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  cut -d' ' -f1-3 /proc/loadavg >"$work/zkcnn-$r.load"
  /usr/bin/time -v "$zkcnn" "$work/lenet5-digit.txt" "$work/empty-config.csv" "$work/infer-$r.csv" 1 \
    >"$work/zkcnn-$r.out" 2>"$work/zkcnn-$r.err"
  quiet
  echo "[$(date -u +%T)] round $r: ours, one cold proof (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  cut -d' ' -f1-3 /proc/loadavg >"$work/cold-$r.load"
  /usr/bin/time -v dotnet "$dll" lenet5-prove max 0 1 "$mode" >"$work/cold-$r.out" 2>"$work/cold-$r.err"
  quiet
  echo "[$(date -u +%T)] round $r: ours, warm (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  cut -d' ' -f1-3 /proc/loadavg >"$work/warm-$r.load"
  dotnet "$dll" lenet5-prove max "$warm_up" "$measured" "$mode" >"$work/warm-$r.out" 2>"$work/warm-$r.err"
done

python3 - "$work" "$rounds" >"$work/summary.md" <<'PY'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def rss_wall(path):
    text = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1).split(":")
    user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    return rss, float(wall[-1]) + 60 * float(wall[-2]), user + system
def ours(path):
    rows = [l.strip().split("\t") for l in open(path) if l.strip() and not l.startswith("#")]
    assert all(row[6] == "True" for row in rows), path
    return [(float(w), float(p), float(v), int(b), float(pc), float(vc)) for _, _, w, p, v, b, _, pc, vc in rows]
table = {k: [] for k in ["zk_prover", "zk_gkr", "zk_hyrax", "zk_verifier", "zk_wiring", "zk_kib", "zk_rss", "zk_wall", "zk_cpu",
                         "cold_prover", "cold_witness", "cold_verifier", "cold_kib", "cold_rss", "cold_wall", "cold_cpu",
                         "warm_prover", "warm_witness", "warm_verifier", "warm_kib", "warm_prover_cpu", "warm_verifier_cpu"]}
raw = ["| round | load (1, 5, 15 min) | zkCNN prover ms (GKR + Hyrax) | zkCNN verifier ms (with wiring) | zkCNN KiB | zkCNN max RSS MiB | ours cold prover (+ witness) ms | ours cold verifier ms | ours warm prover (+ witness) ms, median | ours warm verifier ms, median | ours KiB | ours max RSS MiB |",
       "|---|---|---|---|---|---|---|---|---|---|---|---|"]
for r in range(1, rounds + 1):
    err = open(f"{work}/zkcnn-{r}.err").read() + open(f"{work}/zkcnn-{r}.out").read()
    assert "Verification pass" in err, f"zkCNN round {r} did not verify"
    gkr = float(re.search(r"Prove Time (\S+)", err).group(1))
    m = re.search(r"verify time (\S+) = (\S+) \+", err)
    total_verify, fast = float(m.group(1)), float(m.group(2))
    m = re.search(r"poly pt = ([\d.]+), vt = ([\d.]+), ps = ([\d.]+)", err)
    pt, vt, ps = float(m.group(1)), float(m.group(2)), float(m.group(3))
    gkr_kib = float(re.search(r"proof size = (\S+) kb", err).group(1))
    rss, wall, cpu = rss_wall(f"{work}/zkcnn-{r}.err")
    for k, v in [("zk_prover", (gkr + pt) * 1e3), ("zk_gkr", gkr * 1e3), ("zk_hyrax", pt * 1e3), ("zk_verifier", (fast + vt) * 1e3),
                 ("zk_wiring", (total_verify + vt) * 1e3), ("zk_kib", gkr_kib + ps), ("zk_rss", rss), ("zk_wall", wall), ("zk_cpu", cpu)]:
        table[k].append(v)
    (w, p, v, b, _, _), = ours(f"{work}/cold-{r}.out")
    rss2, wall2, cpu2 = rss_wall(f"{work}/cold-{r}.err")
    for k, x in [("cold_prover", p), ("cold_witness", w), ("cold_verifier", v), ("cold_kib", b / 1024), ("cold_rss", rss2), ("cold_wall", wall2), ("cold_cpu", cpu2)]:
        table[k].append(x)
    warm = ours(f"{work}/warm-{r}.out")
    wp, ww, wv = statistics.median(x[1] for x in warm), statistics.median(x[0] for x in warm), statistics.median(x[2] for x in warm)
    table["warm_prover"].append(wp); table["warm_witness"].append(ww); table["warm_verifier"].append(wv)
    table["warm_prover_cpu"].append(statistics.median(x[4] for x in warm)); table["warm_verifier_cpu"].append(statistics.median(x[5] for x in warm))
    table["warm_kib"].extend(x[3] / 1024 for x in warm)
    load = open(f"{work}/zkcnn-{r}.load").read().strip()
    raw.append(f"| {r} | {load} | {(gkr + pt) * 1e3:.0f} ({gkr * 1e3:.0f} + {pt * 1e3:.0f}) | {(fast + vt) * 1e3:.1f} ({(total_verify + vt) * 1e3:.1f}) | {gkr_kib + ps:.2f} | {rss:.1f} "
               f"| {p:.0f} (+ {w:.0f}) | {v:.1f} | {wp:.0f} (+ {ww:.0f}) | {wv:.1f} | {b / 1024:.1f} | {rss2:.1f} |")
def f(k, fmt="{:.0f}"):
    xs = table[k]
    return f"{fmt.format(statistics.median(xs))} (min {fmt.format(min(xs))})"
print(open(f"{work}/machine.txt").read().strip().replace("\n", "  \n"))
print()
print("| LeNet-5, one image | zkCNN | ours (warm) | ours (cold process) | ours / zkCNN (warm, medians) |")
print("|---|---|---|---|---|")
print(f"| prover, ms | {f('zk_prover')} | {f('warm_prover')} | {f('cold_prover')} | {statistics.median(table['warm_prover']) / statistics.median(table['zk_prover']):.2f} |")
print(f"| &nbsp; zkCNN: GKR / Hyrax; ours: + witness, ms | {f('zk_gkr')} / {f('zk_hyrax')} | + {f('warm_witness')} | + {f('cold_witness')} | |")
print(f"| verifier, ms (zkCNN: its own figure) | {f('zk_verifier', '{:.1f}')} | {f('warm_verifier', '{:.1f}')} | {f('cold_verifier', '{:.1f}')} | {statistics.median(table['warm_verifier']) / statistics.median(table['zk_verifier']):.2f} |")
print(f"| &nbsp; ours as CPU time of the proving thread: prover / verifier, ms | | {f('warm_prover_cpu')} / {f('warm_verifier_cpu', '{:.1f}')} | | |")
print(f"| verifier incl. wiring predicate, ms | {f('zk_wiring', '{:.1f}')} | (ours always includes it) | | {statistics.median(table['warm_verifier']) / statistics.median(table['zk_wiring']):.2f} |")
print(f"| proof, KiB | {f('zk_kib', '{:.2f}')} | {f('warm_kib', '{:.1f}')} | {f('cold_kib', '{:.1f}')} | {statistics.median(table['warm_kib']) / statistics.median(table['zk_kib']):.2f} |")
print(f"| peak memory (max RSS of the process), MiB | {f('zk_rss', '{:.1f}')} | | {f('cold_rss', '{:.1f}')} | {statistics.median(table['cold_rss']) / statistics.median(table['zk_rss']):.2f} (cold process) |")
print(f"| whole process wall / CPU (user + sys), s | {f('zk_wall', '{:.2f}')} / {f('zk_cpu', '{:.2f}')} | | {f('cold_wall', '{:.2f}')} / {f('cold_cpu', '{:.2f}')} | |")
print()
print("\n".join(raw))
print()
print("Ours, last cold process: " + " ".join(l.strip("# \n") for l in open(f"{work}/cold-{rounds}.out") if l.startswith("# ") and not l.startswith("# pool")))
PY
cat "$work/summary.md"

if [ "${BDN:-1}" != 0 ]; then
  echo "[$(date -u +%T)] BenchmarkDotNet, LeNet-5 workloads (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  # shellcheck disable=SC2086 # BDN_ARGS is a list of arguments
  THESTAGE_PROOF_WORKLOADS="LeNet5-max-batch1,LeNet5-avg-batch1" dotnet "$dll" --filter '*InferenceProofBenchmarks*' \
    ${BDN_ARGS:---job short} --artifacts "$work/bdn" >"$work/bdn.log" 2>&1
  sed -n '/^| *Method/,/^$/p' "$work/bdn.log" | tee "$work/bdn-table.md"
  grep '^// LeNet5' "$work/bdn.log" | tee -a "$work/bdn-table.md" || true
fi
echo "results in $work" >&2
