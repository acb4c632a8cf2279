#!/usr/bin/env bash
# A small sweep under `mpirun --oversubscribe -np 2` (two ranks on loopback, one
# thread each) must write the same bytes as one process with all threads.
#   sweep_mpi.sh TRYGGVE MPIEXEC TRYGGVE_MPI
# Exit 77 (CTest: skipped) only when this build has no MPI.
set -euo pipefail
tryggve=$1 mpiexec=${2:-} with_mpi=${3:-OFF}
case "$with_mpi" in ON|on|1|TRUE|true) ;; *)
  echo "skipped: this build has no MPI (configure with -DTRYGGVE_MPI=ON after installing libopenmpi-dev openmpi-bin)"
  exit 77 ;;
esac
[[ -x "$mpiexec" ]] || mpiexec=$(command -v mpirun || true)
[[ -n "$mpiexec" ]] || { echo "TRYGGVE_MPI is ON but no mpirun was found (install openmpi-bin)"; exit 1; }
# CI runs as root; Open MPI refuses that unless told.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
dir=$(mktemp -d "${TMPDIR:-/tmp}/tryggve_sweep_mpi.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$tryggve" -q demo-map --months 14 --volume-scale 0.3 --out "$dir/district"
cat > "$dir/s.yaml" <<'YAML'
version: 1
name: sweep-mpi
seed: 20261203
inputs:
  streets: district/streets.osm
  incidents: district/incidents.csv
  parks: district/parks.gpkg
  stops: district/stops.gpkg
  lamps: district/lamps.gpkg
  areas: district/areas.gpkg
  places: district/places.gpkg
  crs: EPSG:3006
  lixel_length_m: 50
stages:
  map: {}
  simulate:
    fit_months: 12
    forecast_months: 2
    replicates: 60
    cell_cutoff_m: 300
    max_iterations: 30
    tolerance: 1e-4
scenarios:
  - name: park-lighting
    interventions:
      - type: lighting
        where: {park: Ekbackaparken}
        lamps: 20
        cost_sek: 300000
  - name: weekend-patrol
    interventions:
      - type: patrol
        where: {park: Kvarnbodalen}
        visits_per_week: 6
        cost_sek: 200000
YAML
args=(sweep "$dir/s.yaml" --vary "scenarios[0].interventions[0].cost_sek=150000,300000"
      --vary "stages.simulate.headroom=1.5,2" --block 20)
"$tryggve" -q "${args[@]}" --out "$dir/one"
"$mpiexec" --oversubscribe -np 2 "$tryggve" -q --threads 1 "${args[@]}" --out "$dir/two"
n=0
for f in sweep.csv sweep.svg sweep.json points/0000.yaml points/0001.yaml points/0002.yaml points/0003.yaml; do
  cmp "$dir/one/$f" "$dir/two/$f"
  n=$((n + 1))
done
# Not an empty comparison: 4 points x 2 scenarios ranked.
rows=$(($(wc -l < "$dir/one/sweep.csv") - 1))
[[ $rows -eq 8 ]] || { echo "sweep.csv has $rows rows, expected 8"; exit 1; }
echo "2 ranks wrote the same $n files as one process"
