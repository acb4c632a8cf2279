#pragma once
// `tryggve sweep`: one scenario file run over the product of variations of its
// options (`--vary stages.simulate.headroom=1.5,2 --vary scenarios[0].interventions[0].lamps=10,20`),
// every point's baseline and scenarios, ranked by harm prevented per SEK.
//
// Work is split by (point, replicate block): task t goes to rank t mod size, so
// on one machine every task runs here (the simulator spreads each over the cores
// with oneTBB) and under `mpirun -np N` (cluster/cluster.hpp) each rank takes its
// share and rank 0 gathers them. A block draws replicates [first, first + n) of
// the seed's sequence (random streams keyed by seed and replicate, never by rank
// or thread), so the gathered per-replicate totals, and every byte written, are
// the same for any number of ranks and threads, and equal `tryggve run` of the
// point's file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tryggve/cluster/cluster.hpp"
#include "tryggve/pipeline/control.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/simulation/results.hpp"

namespace tryggve::sweep {

// One --vary: a dotted key of the scenario file and its values.
struct Variation {
  std::string key;
  std::vector<std::string> values;
};

// "key=v1,v2,..." (values are separated by commas and may not contain one).
// Throws Error(BadOption, "--vary ...") naming what is wrong.
Variation parse_variation(const std::string& text);

struct SweepOptions {
  std::filesystem::path file;
  std::vector<std::string> sets;   // --set overrides applied to every point first
  std::vector<Variation> vary;
  std::filesystem::path out;
  int block_replicates = 100;      // replicates per task
};

// One point of the product: its values (one per variation, in --vary order) and
// the loaded, validated file with them applied.
struct Point {
  std::vector<std::string> values;
  scenario::ScenarioFile file;
};

// The product, first variation slowest. Every point is loaded through
// scenario::load with the variations as overrides, so a bad key or value fails
// here, before any work, with Error(BadOption or BadScenario, "--vary KEY=VALUE").
std::vector<Point> expand(const SweepOptions& options);

// One (point, scenario) of the result, with intervals over replicates (90 %).
struct Row {
  int point = 0;
  std::vector<std::string> values;
  std::string scenario;
  double cost_sek = 0.0;
  int replicates = 0;
  simulation::Interval prevented_true;       // baseline - scenario, true incidents
  simulation::Interval prevented_harm;       // the same weighted by the taxonomy's severity
  simulation::Interval harm_per_100k_sek;    // prevented_harm / cost x 100,000 (has_cost)
  bool has_cost = false;
  std::uint64_t clamped_events = 0;
};

struct SweepResult {
  std::vector<std::string> keys;  // the varied keys
  std::vector<Row> rows;          // ranked: by harm_per_100k_sek (mean, descending), costless last
};

// Runs this rank's tasks and gathers them; the result is complete on rank 0 only
// (other ranks get empty rows). Writes nothing.
SweepResult run(const std::vector<Point>& points, const SweepOptions& options, const cluster::Cluster& cluster,
                const pipeline::RunControl& control = {});

// DIR/sweep.csv, DIR/sweep.svg (the ranking with intervals), DIR/sweep.json (the
// variations, every point's overrides, seed and version) and DIR/points/NNN.yaml
// (each point's resolved scenario), atomically.
void write(const SweepResult& result, const std::vector<Point>& points, const SweepOptions& options);

std::string summary_csv(const SweepResult& result);
std::string ranking_svg(const SweepResult& result);

}  // namespace tryggve::sweep
