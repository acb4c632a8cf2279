#!/usr/bin/env bash
# Tryggve set-up: installs what is missing (Debian 12 packages), builds, and runs.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#
#   tools/setup.sh demo       set up, build, and run the demo on the embedded district
#   tools/setup.sh test       set up, build, and run the whole test suite (CTest, then the browser tests)
#   tools/setup.sh sanitize   build the tests with ASan+UBSan (clang, with the fuzz harnesses) and run them
#   tools/setup.sh fuzz [S]   every libFuzzer harness for S seconds (default 30) on its corpus
#   tools/setup.sh tsan       build the parallel modules' thread tests with ThreadSanitizer and run them
#   tools/setup.sh bench      set up the peers (R spatstat/spdep, osmnx) and build the benchmarks
#   tools/setup.sh viewer     install chromium and the viewer's npm packages, build the bundle (viewer/dist)
#   tools/setup.sh e2e        only the viewer's end-to-end tests in headless chromium
#   tools/setup.sh deps|build only install / only build
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${TRYGGVE_BUILD_DIR:-$ROOT/build}"
JOBS="${TRYGGVE_JOBS:-$(nproc)}"

# Build and runtime dependencies (see ../shared/STACK.md for versions).
PKGS=(build-essential cmake ninja-build pkg-config python3
      libgdal-dev gdal-bin libsqlite3-dev libgeos-dev libproj-dev
      libboost-graph-dev libboost-program-options-dev libtbb-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      nlohmann-json3-dev libcli11-dev libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcpp-httplib-dev
      zlib1g-dev tzdata postgresql-15 postgresql-15-postgis-3
      libopenmpi-dev openmpi-bin)  # tryggve sweep across machines (TRYGGVE_MPI; the mpi-labelled test)
# The sanitizer, fuzzing and ThreadSanitizer builds: libFuzzer is clang's.
CLANG_PKGS=(clang-14 libclang-rt-14-dev lld-14)  # lld: the sanitizer trees link 30 test binaries, GNU ld took minutes
# Peers for the benchmarks and for regenerating golden files (not needed to build or test).
PEER_PKGS=(r-base-core r-cran-spatstat.linnet r-cran-spatstat.data r-cran-spdep python3-osmnx python3-networkx hyperfine wrk)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

install_pkgs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  log "installing: ${missing[*]}"
  local SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The build the demo and the tests use: -O2 for the numeric kernels (the modules
# declared HOT), -O1 for the rest, the CLI and the tests, which compile in three
# quarters of the time and spend theirs in GDAL, SQLite and the kernels
# (TRYGGVE_COLD_FLAGS, TRYGGVE_TEST_FLAGS). The benchmarks' build is -O2 throughout.
configure_build() {
  local dir="$1"; shift
  if [[ ! -f "$dir/build.ninja" ]]; then
    cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRYGGVE_COLD_FLAGS=-O1 "$@" >/dev/null
  fi
  log "building in $dir"
  cmake --build "$dir" -j "$JOBS"
}

run_tests() {
  local dir="$1" leave_out="${2:-}" only="${3:-}"  # leave_out: a CTest label not to run
  # In CI the shared real data and the test PostgreSQL must be there: a missing
  # one fails instead of skipping.
  if [[ "${CI:-}" == "true" ]]; then export TRYGGVE_REQUIRE_SHARED_DATA=1 TRYGGVE_REQUIRE_PG=1; fi
  if [[ -z "${TRYGGVE_TEST_PG:-}" ]]; then start_test_postgres; fi
  # The fast tests first (seconds: a broken build shows at once), then the rest;
  # a label given after the folder is left out of both; `fast` third: only the fast ones.
  local fast=(-L '^fast$') rest=(-LE '^fast$')
  if [[ -n "$leave_out" ]]; then fast+=(-LE "^${leave_out}\$"); rest=(-LE "^(fast|${leave_out})\$"); fi
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$JOBS" --timeout 900 "${fast[@]}") || return 1
  if [[ "$only" == fast ]]; then return 0; fi
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$JOBS" --timeout 900 "${rest[@]}")
}

# --- viewer (issue 6): the web page's bundle and its end-to-end tests ---------
# Node >= 20.19 and npm come with the machine image (Debian 12's own nodejs is 18,
# too old for vite); chromium is Debian's. `npm ci` installs exactly package-lock.json.
VIEWER_PKGS=(chromium)
build_bundle() {
  command -v npm >/dev/null || { echo "setup: npm (Node >= 20.19) is needed for the viewer" >&2; exit 2; }
  log "building the viewer bundle (viewer/dist)"
  (cd "$ROOT/viewer" && { [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund; } && npm run build --silent)
}
build_viewer() {
  install_pkgs "${VIEWER_PKGS[@]}"
  build_bundle
}
run_e2e() {
  # The viewer's pure modules first (vitest, seconds), then the browser tests.
  (cd "$ROOT/viewer" && npm run unit --silent && TRYGGVE_BIN="$BUILD/cli/tryggve" timeout 300 npm run e2e --silent)
}
# --- end viewer ----------------------------------------------------------------

# --- sanitizers and fuzzing (issue 12) -----------------------------------------------
# One clang build serves the ASan+UBSan tests and the libFuzzer harnesses
# (TRYGGVE_FUZZ: every library carries libFuzzer's coverage instrumentation).
# CLANG_TREE: the flags both sanitizer trees share.
# -O1 for the numeric kernels (the modules declared HOT): the sanitizers stay exact and the
#   EM fits and Monte Carlo tests run several times faster than at -O0.
# -O0 for the rest and the tests (TRYGGVE_COLD_FLAGS, TRYGGVE_TEST_FLAGS): under ASan clang took 2.6 times as
#   long to compile I/O and JSON code at -O1, where the tests spend little time.
# -g1: line tables are all a sanitizer report needs, at half the compile time of -g.
# lld links the test binaries.
# No CLI: CTest does not run it (the browser tests use the normal build's).
CLANG_TREE=(-G Ninja -DTRYGGVE_BUILD_CLI=OFF -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1"
            -DTRYGGVE_COLD_FLAGS=-O0 -DTRYGGVE_TEST_FLAGS=-O0 -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld)
sanitize_build() {
  install_pkgs "${PKGS[@]}" "${CLANG_PKGS[@]}"
  if [[ ! -f "$ROOT/build-sanitize/build.ninja" ]]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$ROOT/build-sanitize" "${CLANG_TREE[@]}" -DTRYGGVE_FUZZ=ON \
      -DTRYGGVE_TEST_PER_PROGRAM=ON >/dev/null
  fi
  log "building in $ROOT/build-sanitize"
  cmake --build "$ROOT/build-sanitize" -j "$JOBS" "$@"
}
sanitizer_env() {
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  # LeakSanitizer reports GDAL's and TBB's process-lifetime singletons; suppress only those.
  export LSAN_OPTIONS="suppressions=$ROOT/tools/lsan.supp:print_suppressions=0"
}
FUZZERS=(incidents timestamps scenario taxonomy evidence server)
# fuzz_one NAME SECONDS SEED: one harness on its corpus; its log in build-sanitize/fuzz-NAME.log.
fuzz_one() {
  local name="$1" seconds="$2" seed="$3" b="$ROOT/build-sanitize"
  local work="$b/fuzz-corpus/$name" art="$b/fuzz-artifacts/$name" seeds=("$ROOT/tests/fuzz/corpus/$name")
  mkdir -p "$work" "$art"
  [[ -d "$ROOT/tests/fuzz/regressions/$name" ]] && seeds+=("$ROOT/tests/fuzz/regressions/$name")
  if [[ "$name" == incidents ]]; then
    # Real rows as extra seeds, when the shared data are there (never committed: the format byte first).
    for f in polisen_sweden_events_2022-2026 houston_crime_2010_jan-jun; do
      local src="$ROOT/../shared/data/incidents/$f.csv.gz"
      [[ -f "$src" && ! -f "$work/$f" ]] && { printf '\x10'; zcat "$src" | head -40; } > "$work/$f" || true
    done
  fi
  "$b/tests/fuzz/fuzz_$name" ${seed:+-seed="$seed"} -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$art/" "$work" "${seeds[@]}" >"$b/fuzz-$name.log" 2>&1
}
run_fuzzers() {
  local seconds="$1" b="$ROOT/build-sanitize" failed=()
  # CI fuzzes from a fixed seed (TRYGGVE_FUZZ_SEED, default 1 there), so a commit's CI
  # verdict does not depend on the luck of one run; exploring is for longer runs here
  # (random seed unless TRYGGVE_FUZZ_SEED is set), whose findings become regressions.
  local seed="${TRYGGVE_FUZZ_SEED:-}"
  if [[ -z "$seed" && "${CI:-}" == "true" ]]; then seed=1; fi
  # A harness is one process on one core: JOBS of them at a time, each for the full time.
  local i j names
  for ((i = 0; i < ${#FUZZERS[@]}; i += JOBS)); do
    names=("${FUZZERS[@]:i:JOBS}")
    log "fuzzing ${names[*]} for $seconds s"
    local pids=()
    for name in "${names[@]}"; do fuzz_one "$name" "$seconds" "$seed" & pids+=($!); done
    for j in "${!names[@]}"; do
      local name="${names[$j]}"
      if ! wait "${pids[$j]}"; then
        failed+=("$name")
        tail -40 "$b/fuzz-$name.log" >&2
        log "fuzz_$name: a finding, saved in $b/fuzz-artifacts/$name/ (log $b/fuzz-$name.log); reproduce with $b/tests/fuzz/fuzz_$name FILE, then add the file to tests/fuzz/regressions/$name/ with the fix"
      fi
      printf '%s: ' "$name" >&2
      grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE" "$b/fuzz-$name.log" | tr '\n' ' ' >&2 || true
      echo >&2
    done
  done
  if ((${#failed[@]})); then log "fuzzing found problems in: ${failed[*]}"; return 1; fi
}
# --- end sanitizers and fuzzing ------------------------------------------------------
# --- PostgreSQL for the workspace tests (issue 11) ------------------------------
# A throw-away server: its own folder, a Unix socket only (no TCP), trust auth,
# stopped and removed when this script exits. As root the server refuses to run,
# so initdb and pg_ctl run as the postgres user on a folder it owns. Exports
# TRYGGVE_TEST_PG for CTest; the tests labelled `postgres` make their own databases.
PG_DIR=""
stop_test_postgres() {
  [[ -n "$PG_DIR" && -d "$PG_DIR" ]] || return 0
  local as=(); [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
start_test_postgres() {
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
    log "PostgreSQL is not installed: the postgres-labelled tests will skip (and fail in CI)"
    return 0
  fi
  PG_DIR="$(mktemp -d /tmp/tryggve-pg.XXXXXX)"
  trap stop_test_postgres EXIT
  local as=()
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$PG_DIR"; as=(runuser -u postgres --); fi
  # The socket lives in our own folder, so any port number is free there; take
  # one from the pid so two set-ups side by side also differ on TCP-less ports.
  local port=$((20000 + $$ % 20000))
  "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-k $PG_DIR -p $port -c listen_addresses='' -c max_connections=200 -c fsync=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; exit 1; }
  export TRYGGVE_TEST_PG="PG:host=$PG_DIR port=$port user=postgres dbname=postgres"
  log "PostgreSQL for the tests: $TRYGGVE_TEST_PG"
}
# --- end PostgreSQL ---------------------------------------------------------------

cmd="${1:-demo}"
case "$cmd" in
  deps) install_pkgs "${PKGS[@]}" ;;
  build) install_pkgs "${PKGS[@]}"; configure_build "$BUILD" ;;
  demo)
    # The report's PDF and the viewer need chromium and the bundle; the demo itself does not.
    install_pkgs "${PKGS[@]}" "${VIEWER_PKGS[@]}"
    configure_build "$BUILD"
    if command -v npm >/dev/null; then build_bundle; else log "no npm: the viewer is not built (tryggve serve needs it)"; fi
    shift || true
    # The demo's default paths (maps/demo, scenarios/demo.yaml, out/demo) are the repository's.
    cd "$ROOT"
    "$BUILD/cli/tryggve" demo --out "${TRYGGVE_DEMO_OUT:-$ROOT/out/demo}" "$@"
    ;;
  test)
    # The whole suite: unit and real-data tests (CTest), then the viewer in headless chromium.
    install_pkgs "${PKGS[@]}"
    build_viewer
    configure_build "$BUILD"
    run_tests "$BUILD"
    run_e2e
    ;;
  sanitize)
    sanitize_build
    sanitizer_env
    # The fast tests (every module's, about 970, one CTest per program): about 3 minutes under ASan. The slow
    # ones run the same code at real-data scale (golden runs, Monte Carlo, the month
    # on the demo district): 20 minutes under ASan, so they run in the normal build only.
    run_tests "$ROOT/build-sanitize" long fast
    ;;
  fuzz)
    # Each harness for S seconds (default 30, as CI runs them) on the committed seeds, growing a
    # working corpus in build-sanitize/fuzz-corpus/; a finding stops with its input saved.
    sanitize_build --target fuzzers
    sanitizer_env
    run_fuzzers "${2:-30}"
    ;;
  tsan)
    install_pkgs "${PKGS[@]}" "${CLANG_PKGS[@]}"
    # ThreadSanitizer sees only instrumented code, and Debian's libtbb.so is not: it
    # reported a race inside TBB's partitioner in every parallel_for. So this build
    # (TRYGGVE_TSAN) runs the engine's loops on std::threads instead (core/parallel.hpp,
    # the only place that uses TBB), where TSan sees every start, join, lock and
    # atomic, and runs every `threads`-labelled test: each module's parallel code at
    # one and two threads (the same numbers), the parallel layer itself, and the
    # server's job queue and HTTP workers. Only those tests are built and registered
    # (cmake/TryggveModule.cmake).
    if [[ ! -f "$ROOT/build-tsan/build.ninja" ]]; then
      CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$ROOT/build-tsan" "${CLANG_TREE[@]}" -DTRYGGVE_TSAN=ON >/dev/null
    fi
    # Every public header compiles alone (clang parses only: half gcc's time for this check).
    log "check-headers: every public header compiles alone"
    cmake --build "$ROOT/build-tsan" -j "$JOBS" --target check-headers
    log "building the thread tests in $ROOT/build-tsan"
    # Not test_pipeline: its one thread test is left out below (an unbuilt binary's
    # placeholder test has no label, so -L threads does not see it).
    cmake --build "$ROOT/build-tsan" -j "$JOBS" --target test_core test_network test_snap test_density test_hotspot \
      test_demo test_simulation test_planning test_server
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tools/tsan.supp"
    if [[ "${CI:-}" == "true" ]]; then export TRYGGVE_REQUIRE_SHARED_DATA=1; fi
    # Left out: the whole hotspot stage on the demo district at one and two threads
    # (48 s in the normal build, ten times that under TSan); its loops are the
    # modules' ones, each under TSan here in its own module's thread test.
    (cd "$ROOT/build-tsan" && ctest --output-on-failure --no-tests=error -j "$JOBS" --timeout 900 -L threads \
      -E '^DemoHotspots[.]SameSeedSameResultAtAnyThreadCount$')
    ;;
  bench)
    install_pkgs "${PKGS[@]}" "${PEER_PKGS[@]}"
    configure_build "$ROOT/build-bench" -DTRYGGVE_BUILD_BENCH=ON -DTRYGGVE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release -DTRYGGVE_COLD_FLAGS=
    ;;
  viewer) build_viewer ;;
  e2e)
    install_pkgs "${PKGS[@]}"
    build_viewer
    configure_build "$BUILD"
    run_e2e
    ;;
  *) echo "usage: tools/setup.sh demo|test|sanitize|fuzz [SECONDS]|tsan|bench|viewer|e2e|deps|build" >&2; exit 2 ;;
esac
