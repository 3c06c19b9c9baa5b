#!/usr/bin/env bash
# Measures the file-based workflow of the thestage command on the ONNX fixtures of tests/Vectors/onnx: every verb as its
# own process (what a user runs), its wall time and peak memory (GNU time), the figures of its --json result, and the size
# of every file it writes. Calibration: rows 1-100 of samples.csv; test samples: rows 201-300 (SAMPLES of them).
#
# Runs, each in its own directory under WORK:
#   mlp-batch  mlp_square_opset9  (64-24-16-10, x²)             --packing batch, 100 samples
#   cnn-row    cnn_square_opset11 (conv-x²-avgpool-conv-x²-dense) --packing row,   10 samples
#   relu-row   mlp_relu_opset13   (64-32-16-10, BatchNorm, ReLU)  --packing row,   10 samples
# Output: WORK/times.txt (verb, seconds, peak KB), WORK/<run>/*.json, WORK/<run>/sizes.txt, and the encrypted-vs-plain check.
# Needs the CLI built: dotnet build src/Thestage.Cli -c Release. Example: WORK=/tmp/workflow benchmarks/workflow.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/workflow.XXXXXX")}"
cli="$root/src/Thestage.Cli/bin/Release/net10.0/thestage.dll"
vectors="$root/tests/Vectors/onnx"
[ -f "$cli" ] || { echo "build the CLI first: dotnet build src/Thestage.Cli -c Release" >&2; exit 1; }
mkdir -p "$work"
cd "$work"
sed -n 1,100p "$vectors/samples.csv" > calibration.csv
sed -n 201,300p "$vectors/samples.csv" > x100.csv
sed -n 201,210p "$vectors/samples.csv" > x10.csv
: > times.txt

t() { dotnet "$cli" "$@"; }
step() { local name=$1; shift; /usr/bin/time -f "$name %e s %M KB" -a -o times.txt dotnet "$cli" "$@" > /dev/null; }

run() { # model packing samples directory
  local model=$1 packing=$2 samples=$3 d=$4
  mkdir -p "$d"
  step "$d predict" predict "$vectors/$model.onnx" --input "$samples" --out "$d/p.csv"
  step "$d compile" compile "$vectors/$model.onnx" --calibration calibration.csv --out "$d/pkg" --packing "$packing"
  step "$d keys" keys --plan "$d/pkg" --out "$d/keys"
  step "$d encrypt" encrypt --keys "$d/keys" --input "$samples" --out "$d/request.tsrq"
  step "$d eval" eval --model "$d/pkg" --keys "$d/keys/evaluation.keys" --in "$d/request.tsrq" --out "$d/response.tsrs"
  step "$d decrypt" decrypt --keys "$d/keys" --in "$d/response.tsrs" --out "$d/y.csv"
  step "$d prove" prove --model "$d/pkg" --input "$samples" --out "$d/proof.tspb"
  step "$d verify" verify --model "$d/pkg/model.tsmc" --proof "$d/proof.tspb"
  # The figures each verb reports itself (times inside the process, accuracies), from a second run of the same step.
  t compile "$vectors/$model.onnx" --calibration calibration.csv --out "$d/pkg-json" --packing "$packing" --json > "$d/compile.json"
  t prove --model "$d/pkg" --input "$samples" --out "$d/proof-json.tspb" --json > "$d/prove.json"
  t verify --model "$d/pkg/model.tsmc" --proof "$d/proof.tspb" --json > "$d/verify.json"
  ls -l "$d/pkg" "$d/keys" "$d/request.tsrq" "$d/response.tsrs" "$d/proof.tspb" > "$d/sizes.txt"
  python3 - "$d" <<'PY'
import sys
d = sys.argv[1]
rows = lambda f: [[float(v) for v in l.split(',')] for l in open(f).read().split('\n') if l]
plain, encrypted = rows(d + '/p.csv'), rows(d + '/y.csv')
argmax = lambda a: a.index(max(a))
agree = sum(argmax(a) == argmax(b) for a, b in zip(plain, encrypted))
error = max(abs(u - v) for a, b in zip(plain, encrypted) for u, v in zip(a, b))
print(f"{d}: encrypted vs plain on {len(plain)} samples: argmax {agree}/{len(plain)}, max error {error:.4g}")
PY
}

uptime
run mlp_square_opset9 batch x100.csv mlp-batch
run cnn_square_opset11 row x10.csv cnn-row
run mlp_relu_opset13 row x10.csv relu-row
uptime
cat times.txt
echo "results in $work"
