#include "tryggve/core/json_text.hpp"
#include "tryggve/pipeline/density_stage.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/core/time_window.hpp"
#include "tryggve/io/vector_writer.hpp"

namespace tryggve::pipeline {

using density::method_name;
using density::kernel_name;
using density::Method;

void DensityStageOptions::declare(OptionSet& o) {
  o.choice("method", method, "Estimator: heat (diffusion, spatstat's default), simple, discontinuous or "
                             "continuous (Okabe's equal split)",
           {"heat", "simple", "discontinuous", "continuous"});
  o.choice("kernel", kernel, "Kernel of the path methods (heat is always Gaussian)",
           {"gaussian", "quartic", "epanechnikov", "triweight", "triangular", "uniform"});
  o.real("bandwidth_m", bandwidth_m,
         "Bandwidth in CRS units (metres; feet for chicago): Gaussian/heat sigma, support radius of the "
         "compact kernels; the pilot bandwidth with --adaptive",
         1e-9);
  o.flag("adaptive", adaptive, "Abramson's adaptive bandwidths (each incident's is reported)");
  o.text("select_bandwidth", select_bandwidth,
         "Choose the bandwidth by leave-one-out likelihood cross-validation among n geometric steps "
         "lo:hi:n (CRS units)");
  o.list("parameters", parameters, "Only these parameters (taxonomy codes, comma-separated)");
  o.text("from", from, "First day (YYYY-MM-DD) or month (YYYY-MM) of the time window, local time; default: open");
  o.text("to", to, "Last day (YYYY-MM-DD) or month (YYYY-MM) of the time window, inclusive; default: open");
  o.flag("severity_weights", severity_weights, "Weigh each incident by its parameter's severity weight");
  o.choice("at", at, "Where to evaluate: per lixel (midpoints) or at the incidents", {"lixels", "points"});
  o.flag("leave_one_out", leave_one_out, "At the incidents, leave each incident's own contribution out");
  o.real("epsilon", epsilon, "Equal split: drop a travelling path once its mass is below this", 0.0);
  o.real("heat_dx_m", heat_dx_m, "Heat: grid spacing along the edges (0 = bandwidth / 25)", 0.0);
}

std::string DensityStageResult::summary() const {
  std::string s = fmt::format("density: {} ({}), {} incidents of {} placed", method_name(density.method),
                              kernel_name(density.kernel), event_of.size(), placed);
  if (dropped_parameter) s += fmt::format(", {} of other parameters", dropped_parameter);
  if (dropped_time) s += fmt::format(", {} outside the time window", dropped_time);
  if (dropped_no_time) s += fmt::format(", {} without a time", dropped_no_time);
  s += fmt::format("\nbandwidth used: {:.6g}", density.bandwidth_used);
  if (selection) s += fmt::format(" (cross-validated among {} candidates)", selection->candidates.size());
  if (!density.event_bandwidths.empty()) {
    const auto [mn, mx] = std::minmax_element(density.event_bandwidths.begin(), density.event_bandwidths.end());
    s += fmt::format("; adaptive per incident {:.6g} .. {:.6g}", *mn, *mx);
  }
  if (density.method == Method::Heat) s += fmt::format("; heat grid dx {:.4g}", density.heat_dx_used);
  s += fmt::format("\n{} values at {}\n", density.values.size(), at);
  return s;
}

nlohmann::json DensityStageResult::summary_json(const MapResult& m) const {
  nlohmann::json j;
  j["method"] = std::string(method_name(density.method));
  j["kernel"] = std::string(kernel_name(density.kernel));
  j["bandwidth_used"] = density.bandwidth_used;
  j["at"] = at;
  j["units"] = "incidents (sum of weights) per CRS unit of network length";
  j["incidents"] = {{"placed", placed},
                    {"used", event_of.size()},
                    {"other_parameters", dropped_parameter},
                    {"outside_time_window", dropped_time},
                    {"without_time", dropped_no_time},
                    {"total_weight", [&] {
                       double s = 0;
                       for (double w : weights) s += w;
                       return s;
                     }()}};
  if (selection) {
    nlohmann::json c = nlohmann::json::array();
    for (std::size_t i = 0; i < selection->candidates.size(); ++i)
      c.push_back({{"bandwidth", selection->candidates[i]},
                   {"cv_score", std::isfinite(selection->scores[i]) ? nlohmann::json(selection->scores[i])
                                                                    : nlohmann::json(nullptr)}});
    j["bandwidth_selection"] = {{"rule", "leave-one-out likelihood cross-validation"}, {"candidates", c},
                                {"best", selection->best}};
  }
  if (!density.event_bandwidths.empty()) {
    nlohmann::json e = nlohmann::json::array();
    for (std::size_t k = 0; k < event_of.size(); ++k)
      e.push_back({{"incident_id", m.incidents[event_of[k]].id}, {"bandwidth", density.event_bandwidths[k]}});
    j["adaptive"] = {{"rule", "Abramson"}, {"pilot_geometric_mean", density.pilot_geometric_mean},
                     {"incident_bandwidths", e}};
  }
  if (density.method == Method::Heat) j["heat_dx"] = density.heat_dx_used;
  return j;
}

namespace {

std::vector<double> parse_candidates(const std::string& text) {
  const std::string where = "--select-bandwidth";
  std::vector<std::string> parts;
  std::size_t b = 0;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == ':') { parts.push_back(text.substr(b, i - b)); b = i + 1; }
  if (parts.size() != 3) throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not lo:hi:n", text));
  double lo = 0, hi = 0;
  int n = 0;
  try {
    std::size_t used = 0;
    lo = std::stod(parts[0], &used);
    if (used != parts[0].size()) throw std::invalid_argument("lo");
    hi = std::stod(parts[1], &used);
    if (used != parts[1].size()) throw std::invalid_argument("hi");
    n = std::stoi(parts[2], &used);
    if (used != parts[2].size()) throw std::invalid_argument("n");
  } catch (const std::exception&) {
    throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not lo:hi:n (numbers)", text));
  }
  if (!(lo > 0) || !(hi >= lo) || n < 1 || n > 200 || (n == 1 && hi != lo))
    throw Error(ErrorCode::BadOption, where,
                fmt::format("'{}': need 0 < lo <= hi and 1 <= n <= 200 (n = 1 only with lo = hi)", text));
  return n == 1 ? std::vector<double>{lo} : density::geometric_grid(lo, hi, n);
}

}  // namespace

DensityStageResult run_density(const MapResult& m, const DensityStageOptions& c) {
  using namespace density;
  DensityStageResult r;
  r.at = c.at;
  if (c.at != "lixels" && c.at != "points")
    throw Error(ErrorCode::BadOption, "--at", fmt::format("'{}' must be lixels or points", c.at));
  DensityOptions o;
  const auto method = parse_method(c.method);
  if (!method) throw Error(ErrorCode::BadOption, "--method", fmt::format("unknown method '{}'", c.method));
  const auto kernel = parse_kernel(c.kernel);
  if (!kernel) throw Error(ErrorCode::BadOption, "--kernel", fmt::format("unknown kernel '{}'", c.kernel));
  if (*method == Method::Heat && *kernel != Kernel::Gaussian)
    throw Error(ErrorCode::BadOption, "--kernel",
                fmt::format("the heat method is always Gaussian (got kernel '{}')", c.kernel));
  if (c.leave_one_out && c.at != "points")
    throw Error(ErrorCode::BadOption, "--leave-one-out", "needs --at points");
  o.method = *method;
  o.kernel = *kernel;
  o.bandwidth_m = c.bandwidth_m;
  o.adaptive = c.adaptive;
  o.epsilon = c.epsilon;
  o.heat_dx_m = c.heat_dx_m;

  std::vector<char> wanted;
  if (!c.parameters.empty()) {
    wanted.assign(m.taxonomy.size(), 0);
    for (const auto& code : c.parameters) {
      const auto id = m.taxonomy.find(code);
      if (!id) {
        std::vector<std::string> codes;
        for (const auto& p : m.taxonomy.parameters()) codes.push_back(p.code);
        const auto near = closest_key(code, codes);
        throw Error(ErrorCode::BadOption, "--parameters",
                    fmt::format("unknown parameter code '{}'{}", code, near.empty() ? "" : " (did you mean '" + near + "'?)"));
      }
      wanted[*id] = 1;
    }
  }
  const DayWindow window = parse_day_window(c.from, c.to);

  r.placed = m.incidents.size();
  for (std::size_t k = 0; k < m.incidents.size(); ++k) {
    const auto& inc = m.incidents[k];
    if (!wanted.empty() && (inc.parameter >= wanted.size() || !wanted[inc.parameter])) { ++r.dropped_parameter; continue; }
    if (!window.open()) {
      if (!inc.has_time) { ++r.dropped_no_time; continue; }
      if (!window.contains(inc.time)) { ++r.dropped_time; continue; }
    }
    double w = inc.weight;
    if (c.severity_weights && inc.parameter < m.taxonomy.size()) w *= m.taxonomy[inc.parameter].weight;
    r.event_of.push_back(k);
    r.positions.push_back(m.snaps[k].position());
    r.weights.push_back(w);
  }
  if (r.event_of.empty())
    throw Error(ErrorCode::NoData, m.incidents_file.empty() ? "incidents" : m.incidents_file,
                fmt::format("no incident left after filtering ({} placed, {} of other parameters, {} outside the "
                            "time window, {} without a time)",
                            r.placed, r.dropped_parameter, r.dropped_time, r.dropped_no_time));

  const auto warn_if_slow = [&](double bandwidth) {
    if (o.method == Method::Heat || m.net.edge_count() == 0) return;
    // Equal split follows every path the kernel reaches; their number grows geometrically with
    // the number of junctions passed (spatstat's densityEqualSplit has the same cost).
    const double reach = (o.kernel == Kernel::Gaussian ? 4.0 : 1.0) * bandwidth *  // Gaussian: 4 sigma
                         (o.adaptive ? o.adaptive_clamp : 1.0);
    const double mean_edge = m.net.total_length() / static_cast<double>(m.net.edge_count());
    if (o.method != Method::Simple && reach > 12.0 * mean_edge)
      log::warn("density: the {} kernel reaches {:.0f} units, {:.0f} mean edge lengths: the equal-split "
                "methods may take very long (the heat method does not)",
                kernel_name(o.kernel), reach, reach / mean_edge);
  };
  if (!c.select_bandwidth.empty()) {
    const auto candidates = parse_candidates(c.select_bandwidth);
    warn_if_slow(candidates.back());
    r.selection = select_bandwidth_cv(m.net, m.lixels, r.positions, r.weights, o, candidates);
    if (!std::isfinite(r.selection->scores[r.selection->best_index]))
      throw Error(ErrorCode::BadOption, "--select-bandwidth",
                  "every candidate leaves some incident with zero leave-one-out density: widen the range");
    o.bandwidth_m = r.selection->best;
  }
  if (c.select_bandwidth.empty()) warn_if_slow(o.bandwidth_m);
  if (c.at == "lixels") {
    r.density = estimate(m.net, m.lixels, r.positions, r.weights, o);
  } else {
    o.leave_one_out = c.leave_one_out;
    r.density = density_at(m.net, r.positions, r.positions, r.weights, o);
  }
  return r;
}

std::filesystem::path density_sidecar_path(const std::filesystem::path& out) {
  auto p = out;
  return p.replace_extension(".json");
}

void write_density(const MapResult& m, const DensityStageResult& r, const std::filesystem::path& out) {
  std::string ext = out.extension().string();
  for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const bool adaptive = !r.density.event_bandwidths.empty();
  if (ext == ".json")
    throw Error(ErrorCode::OutputFailed, out.string(), "the values go to .csv, .gpkg, .geojson or .fgb (the .json is the sidecar)");
  if (ext == ".csv") {
    std::string s;
    if (r.at == "lixels") {
      s = "lixel_id,edge_id,start_m,end_m,density\n";
      for (std::size_t i = 0; i < m.lixels.size(); ++i) {
        const auto& l = m.lixels[static_cast<network::LixelId>(i)];
        s += fmt::format("{},{},{:.10g},{:.10g},{:.10g}\n", i, l.edge, l.start, l.end, r.density.values[i]);
      }
    } else {
      s = adaptive ? "incident_id,density,x,y,bandwidth_m\n" : "incident_id,density,x,y\n";
      for (std::size_t k = 0; k < r.event_of.size(); ++k) {
        const Point p = m.net.point_at(r.positions[k].edge, r.positions[k].offset);
        s += fmt::format("{},{:.10g},{:.10f},{:.10f}", m.incidents[r.event_of[k]].id, r.density.values[k], p.x, p.y);
        s += adaptive ? fmt::format(",{:.10g}\n", r.density.event_bandwidths[k]) : std::string("\n");
      }
    }
    write_text_atomically(out, s);
  } else {
    io::VectorWriter w(out, m.crs);
    if (r.at == "lixels") {
      auto& layer = w.add_layer("density", io::GeometryKind::Line,
                                {{"lixel_id", io::FieldType::Int64}, {"edge_id", io::FieldType::Int64},
                                 {"start_m", io::FieldType::Real}, {"end_m", io::FieldType::Real},
                                 {"density", io::FieldType::Real}});
      for (std::size_t i = 0; i < m.lixels.size(); ++i) {
        const auto& l = m.lixels[static_cast<network::LixelId>(i)];
        layer.add({i, l.edge, l.start, l.end, r.density.values[i]}, substring(m.net.edge(l.edge).geometry, l.start, l.end));
      }
    } else {
      std::vector<io::FieldDef> f{{"incident_id", io::FieldType::Int64}, {"density", io::FieldType::Real},
                                  {"x", io::FieldType::Real}, {"y", io::FieldType::Real}};
      if (adaptive) f.push_back({"bandwidth_m", io::FieldType::Real});
      auto& layer = w.add_layer("density", io::GeometryKind::Point, f);
      for (std::size_t k = 0; k < r.event_of.size(); ++k) {
        const Point p = m.net.point_at(r.positions[k].edge, r.positions[k].offset);
        std::vector<io::FieldValue> v{m.incidents[r.event_of[k]].id, r.density.values[k], p.x, p.y};
        if (adaptive) v.push_back(r.density.event_bandwidths[k]);
        layer.add(v, p);
      }
    }
    w.commit();
  }
  write_text_atomically(density_sidecar_path(out), json_text(r.summary_json(m), 2) + "\n");
}

DensityStageResult run_density_command(const MapOptions& map, const DensityStageOptions& c,
                                       const std::filesystem::path& out, MapResult* keep) {
  MapResult m = run_map(map);
  auto r = run_density(m, c);
  write_density(m, r, out);
  if (keep) *keep = std::move(m);
  return r;
}

}  // namespace tryggve::pipeline
