#!/usr/bin/env bash
# Gi* with 999 conditional permutations on 99,000 lixels, Tryggve vs
# spdep::localG_perm, in one run on the same weights and counts.
#
#   bench/run_gistar_bench.sh [BUILD_DIR]     (default: build-bench in the repository)
#
# Builds gistar_bench (-DTRYGGVE_BUILD_BENCH=ON), exports the weights
# (write_weights_csv) and counts for R, runs the C++ benchmark at 1 and 2 threads,
# runs spdep::localG_perm (nsim = 999, one R process) and prints both times and the
# ratio. NSIM=99 in the environment runs the peer with fewer permutations (its time
# grows linearly in nsim) when a quick check is enough.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"
NSIM="${NSIM:-999}"

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRYGGVE_BUILD_BENCH=ON >/dev/null
ninja -C "$BUILD" -j2 gistar_bench >/dev/null

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BUILD/bench/gistar_bench" --export "$WORK/data"

echo "== Tryggve (C++): Gi*, 999 permutations"
"$BUILD/bench/gistar_bench" --benchmark_filter='BM_(GiStar999|BuildWeights)' \
  --benchmark_out="$WORK/cpp.json" --benchmark_out_format=json
echo "== spdep::localG_perm, nsim = $NSIM"
Rscript "$ROOT/bench/peers/spdep_localG_perm.R" "$WORK/data" "$NSIM" | tee "$WORK/peer.json"

python3 - "$WORK/cpp.json" "$WORK/peer.json" "$NSIM" <<'PY'
import json, sys
cpp = json.load(open(sys.argv[1]))
peer = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
nsim = int(sys.argv[3])
t = {int(b["threads"]): b["real_time"] / 1000.0 for b in cpp["benchmarks"]
     if b["name"].startswith("BM_GiStar999") and b.get("run_type", "iteration") == "iteration"}
cpu1 = [b["cpu_time"] / 1000.0 for b in cpp["benchmarks"]
        if b["name"].startswith("BM_GiStar999/1/") and b.get("run_type", "iteration") == "iteration"][0]
r_s = peer["seconds_localG_perm"] * 999 / nsim  # linear in nsim
r_cpu = peer["cpu_seconds_localG_perm"] * 999 / nsim
print()
print(f"units {peer['units']:,}, weights {peer['nonzero']:,}; spdep::localG z vs Tryggve z: max |diff| "
      f"{peer['max_abs_z_diff']:.2g}; localG_perm z vs Tryggve z: correlation {peer['cor_perm_z_vs_z']:.4f}")
print(f"Tryggve gi_star, 999 perms, 1 thread : {t[1]:8.2f} s")
print(f"Tryggve gi_star, 999 perms, 2 threads: {t[2]:8.2f} s")
note = "" if nsim == 999 else f"  (measured at nsim={nsim}: {peer['seconds_localG_perm']:.2f} s, scaled)"
print(f"spdep localG_perm, 999 perms        : {r_s:8.2f} s{note}")
print(f"CPU seconds, 1 thread: Tryggve {cpu1:.2f} s, spdep {r_cpu:.2f} s: {r_cpu / cpu1:.1f} x"
      "  (the fair figure on a shared, overloaded machine)")
print(f"ratio spdep / Tryggve (1 thread)     : {r_s / t[1]:8.1f} x")
print(f"ratio spdep / Tryggve (2 threads)    : {r_s / t[2]:8.1f} x")
print("target (>= 10x spdep::localG_perm):", "met" if r_s / t[2] >= 10 else "NOT met")
PY
