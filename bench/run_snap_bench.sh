#!/usr/bin/env bash
# Snapping throughput, Tryggve vs osmnx, in one run on the same network and points.
#
#   bench/run_snap_bench.sh [BUILD_DIR]     (default: build-bench in the repository)
#
# Builds snap_bench (-DTRYGGVE_BUILD_BENCH=ON), exports the 100,800-edge network and
# 100,000 of its points for the peer, runs the C++ benchmark (1,000,000 points at 1 and
# 2 threads), runs osmnx.distance.nearest_edges on the 100,000 points with Debian's
# python3, and prints the figures and the ratio (C++ at 2 threads / osmnx).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"
PY=/usr/bin/python3   # Debian's interpreter: it sees python3-osmnx
PEER_POINTS="${PEER_POINTS:-100000}"

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRYGGVE_BUILD_BENCH=ON -DTRYGGVE_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD" -j2 snap_bench >/dev/null

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BUILD/bench/snap_bench" --export "$WORK/data" "$PEER_POINTS"

echo "== Tryggve (C++): 1,000,000 points"
"$BUILD/bench/snap_bench" --benchmark_filter='BM_(SnapAll|BuildIndex)' \
  --benchmark_out="$WORK/cpp.json" --benchmark_out_format=json
echo "== osmnx: ox.distance.nearest_edges on $PEER_POINTS points"
"$PY" "$ROOT/bench/peers/osmnx_nearest_edges.py" "$WORK/data" | tee "$WORK/peer.json"

"$PY" - "$WORK/cpp.json" "$WORK/peer.json" <<'EOF'
import json, sys
cpp = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))
rate = {int(b["threads"]): b["points_per_second"] for b in cpp["benchmarks"]
        if b["name"].startswith("BM_SnapAll") and b.get("run_type", "iteration") == "iteration"}
print()
print(f"Tryggve snap_all, 1 thread : {rate[1]:>14,.0f} points/s")
print(f"Tryggve snap_all, 2 threads: {rate[2]:>14,.0f} points/s")
print(f"osmnx nearest_edges        : {peer['points_per_second']:>14,.0f} points/s"
      f"  (same edge {100 * peer['same_edge_fraction']:.2f}%, same distance {100 * peer['same_distance_fraction']:.2f}%)")
print(f"ratio (2 threads / osmnx)  : {rate[2] / peer['points_per_second']:>14,.0f} x")
ok = rate[2] >= 1e6 and rate[2] >= 10 * peer["points_per_second"]
print("targets (>= 1e6 points/s on 2 cores, >= 10x osmnx):", "met" if ok else "NOT met")
EOF
