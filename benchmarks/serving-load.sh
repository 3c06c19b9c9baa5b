#!/usr/bin/env bash
# The load test of thestage serve on loopback (docs/serving.md has the figures): compiles an ONNX fixture of
# tests/Vectors/onnx, starts `thestage serve` as its own process, and runs benchmarks/Thestage.Serving.Load against it —
# CLIENTS concurrent clients (keys of their own) × REQUESTS requests × SAMPLES samples each; throughput, p50/p90/p99
# latency, the server's resident memory (sampled from /proc), lost and mismatched responses (every response is decrypted
# and compared with the plain model). Calibration: rows 1-100 of samples.csv; request samples: rows 201-300.
#
# Runs (each in WORK/<run>):
#   mlp-batch  mlp_square_opset9  --packing batch
#   cnn-row    cnn_square_opset11 --packing row     (only with CNN=1: rotations, Galois keys, slower)
# Needs: dotnet build src/Thestage.Cli -c Release && dotnet build benchmarks/Thestage.Serving.Load -c Release.
# Example: WORK=/tmp/serving CLIENTS=8 REQUESTS=5 SAMPLES=16 benchmarks/serving-load.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/serving.XXXXXX")}"
cli="$root/src/Thestage.Cli/bin/Release/net10.0/thestage.dll"
load="$root/benchmarks/Thestage.Serving.Load/bin/Release/net10.0/Thestage.Serving.Load.dll"
vectors="$root/tests/Vectors/onnx"
clients="${CLIENTS:-8}" requests="${REQUESTS:-5}" samples="${SAMPLES:-16}"
[ -f "$cli" ] && [ -f "$load" ] || { echo "build first: dotnet build src/Thestage.Cli -c Release && dotnet build benchmarks/Thestage.Serving.Load -c Release" >&2; exit 1; }
mkdir -p "$work"
cd "$work"
sed -n 1,100p "$vectors/samples.csv" > calibration.csv
sed -n 201,300p "$vectors/samples.csv" > x100.csv

run() { # model packing samples-per-request directory
  local model=$1 packing=$2 per=$3 d=$4 server
  mkdir -p "$d"
  dotnet "$cli" compile "$vectors/$model.onnx" --calibration calibration.csv --out "$d/pkg" --packing "$packing" > /dev/null
  dotnet "$cli" serve --model "$d/pkg" --port 0 --api-key-file "$d/api.key" --json > "$d/serve.json" 2> "$d/serve.log" &
  server=$!
  trap 'kill -TERM '"$server"' 2>/dev/null || true' EXIT
  for _ in $(seq 600); do grep -q '^}' "$d/serve.json" 2>/dev/null && break; sleep 0.1; done
  url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["address"])' "$d/serve.json")
  echo "== $d: $model, $packing packing, $url"
  dotnet "$load" --server "$url" --api-key-file "$d/api.key" --model "$d/pkg" --input x100.csv \
    --clients "$clients" --requests "$requests" --samples "$per" --server-pid "$server" | tee "$d/load.txt"
  kill -TERM "$server"
  wait "$server" || true
  trap - EXIT
}

uptime
lscpu | grep -m1 'Model name' || true
run mlp_square_opset9 batch "$samples" mlp-batch
if [ "${CNN:-0}" = 1 ]; then run cnn_square_opset11 row 1 cnn-row; fi
uptime
