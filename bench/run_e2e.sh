#!/usr/bin/env bash
# End to end on the demo district: every stage of `tryggve demo` timed as a user
# runs it, with hyperfine, next to a baseline measured in the same run: GDAL's own
# ogr2ogr copying the same inputs into a GeoPackage (the floor any tool that reads
# the OSM file and writes a GeoPackage pays). Figures are ratios to that baseline.
#
#   bench/run_e2e.sh [BUILD_DIR]      (default: build-bench; Release)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"
RUNS="${RUNS:-3}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (tools/setup.sh bench installs it)" >&2; exit 2; }
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRYGGVE_BUILD_BENCH=ON >/dev/null
ninja -C "$BUILD" -j2 tryggve >/dev/null
T="$BUILD/cli/tryggve"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
"$T" --quiet demo-map --out "$W/d"
D="$W/d"
IN=(--streets "$D/streets.osm" --incidents "$D/incidents_raw.csv" --parks "$D/parks.gpkg" --stops "$D/stops.gpkg"
    --lamps "$D/lamps.gpkg" --areas "$D/areas.gpkg" --places "$D/places.gpkg" --crs EPSG:3006)
q() { printf '%q ' "$@"; }
hyperfine --runs "$RUNS" --warmup 1 --export-json "$W/e2e.json" \
  -n baseline_ogr2ogr "ogr2ogr -overwrite -f GPKG $W/copy.gpkg $D/streets.osm lines && ogr2ogr -f GPKG -update $W/copy.gpkg $D/incidents_raw.csv -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat" \
  -n map "$(q "$T" --quiet map "${IN[@]}" --out "$W/map.gpkg")" \
  -n hotspots "$(q "$T" --quiet hotspots "${IN[@]}" --out "$W/hot")" \
  -n run_200_replicates "$(q "$T" --quiet run "$ROOT/scenarios/demo.yaml" --out "$W/run" \
      --set inputs.streets="$D/streets.osm" --set inputs.incidents="$D/incidents.csv" --set inputs.parks="$D/parks.gpkg" \
      --set inputs.stops="$D/stops.gpkg" --set inputs.lamps="$D/lamps.gpkg" --set inputs.areas="$D/areas.gpkg" \
      --set inputs.places="$D/places.gpkg" --set simulate.replicates=200)"
/usr/bin/python3 - "$W/e2e.json" <<'EOF'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
base = r["baseline_ogr2ogr"]
print()
for name, t in r.items():
    print(f"{name:<22} {t:8.2f} s   {t / base:6.1f} x the ogr2ogr baseline")
EOF
