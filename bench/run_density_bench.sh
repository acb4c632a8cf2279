#!/usr/bin/env bash
# Network kernel density: Tryggve vs spatstat.linnet in one run, on the same inputs.
#
#   bench/run_density_bench.sh [BUILD_DIR]      (default: build-bench in the repository)
#   SKIP_LATTICE_PEER=1 bench/run_density_bench.sh   skip spatstat's ~5-minute lattice run
#
# 1. spatstat on chicago (heat, sigma 100): density.lpp at the points and on the network.
# 2. spatstat on the 100 x 100 lattice (10,000 points, heat sigma 30, at the points): run once;
#    it also writes the lattice and the points, which the C++ benchmark then reads.
# 3. density_bench: chicago, the same lattice, and the city-sized case (100,800 edges,
#    100,000 incidents, 20 m lixels, 300 m bandwidth) at 1 and 2 threads.
# Then prints every figure and the ratios (spatstat time / Tryggve time, 2 threads).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRYGGVE_BUILD_BENCH=ON >/dev/null
ninja -C "$BUILD" -j2 density_bench >/dev/null

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== spatstat.linnet: chicago, heat sigma 100 (best of 3)"
Rscript "$ROOT/bench/peers/spatstat_chicago.R" 3 | tee "$WORK/chicago.json"
if [[ -z "${SKIP_LATTICE_PEER:-}" ]]; then
  echo "== spatstat.linnet: 100 x 100 lattice, 10,000 points, heat sigma 30 (once; minutes)"
  Rscript "$ROOT/bench/peers/spatstat_lattice.R" "$WORK" | tee "$WORK/lattice.json"
  export TRYGGVE_BENCH_LATTICE_DIR="$WORK"
fi

echo "== Tryggve (C++)"
"$BUILD/bench/density_bench" --benchmark_out="$WORK/cpp.json" --benchmark_out_format=json

python3 - "$WORK" <<'PY'
import csv, json, os, sys
w = sys.argv[1]
cpp = {b["name"]: b for b in json.load(open(f"{w}/cpp.json"))["benchmarks"] if b.get("run_type", "iteration") == "iteration"}
def sec(name):  # by name, without Google Benchmark's /real_time... suffixes
    b = cpp[name] if name in cpp else next(v for k, v in cpp.items() if k.startswith(name + "/"))
    return b["real_time"] * {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[b["time_unit"]]
print()
print("City: 100,800 edges, 100,000 incidents, 20 m lixels, bandwidth 300 m")
for n in sorted(cpp):
    if n.startswith("BM_City"):
        print(f"  {n.replace('/iterations:1/real_time', ''):<34} {sec(n):8.2f} s wall, {cpp[n]['cpu_time']:6.2f} s CPU   (mass {cpp[n]['mass']:.0f})")
ch = json.load(open(f"{w}/chicago.json"))
print("chicago, heat sigma 100")
for key, name in (("points_s", "BM_ChicagoHeatPoints"), ("network_s", "BM_ChicagoHeatNetwork")):
    print(f"  {key[:-2]:<8} spatstat {ch[key]:8.3f} s   Tryggve {1e3 * sec(name):8.2f} ms   ratio {ch[key] / sec(name):8.0f} x")
lat = f"{w}/lattice.json"
if os.path.exists(lat):
    la = json.load(open(lat))
    t = sec("BM_LatticeHeatPoints")
    print(f"lattice 100 x 100, 10,000 points, heat sigma 30, at the points")
    print(f"  spatstat {la['points_s']:8.1f} s   Tryggve {1e3 * t:8.1f} ms   ratio {la['points_s'] / t:8.0f} x")
    # Same inputs, so the values must agree too, up to spatstat's own discretisation error
    # (first order in its dx; see tests/density/chicago_reference_test.cpp).
    sp = [float(r["value"]) for r in csv.DictReader(open(f"{w}/lattice_values.csv"))]
    ours = [float(r["value"]) for r in csv.DictReader(open(f"{w}/lattice_ours.csv"))]
    rel = sorted(abs(a - b) / b for a, b in zip(ours, sp) if b > 0)
    print(f"  values vs spatstat: median rel {100 * rel[len(rel) // 2]:.3f}%, 99th pct {100 * rel[int(0.99 * len(rel))]:.3f}%, max {100 * rel[-1]:.3f}%")
PY
