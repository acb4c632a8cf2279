#include "tryggve/situation/grid.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/forecast/components.hpp"
#include "tryggve/forecast/etas.hpp"

namespace tryggve::situation {

namespace {
const double kSqrt3 = std::sqrt(3.0);
}

// ---- Grid --------------------------------------------------------------------------

Grid::Grid(CellShape shape, const Envelope& extent, double cell_m) : shape_(shape), cell_m_(cell_m) {
  if (!(cell_m > 0) || !std::isfinite(cell_m)) throw Error(ErrorCode::BadOption, "grid.cell_m", "must be > 0");
  if (extent.empty()) throw Error(ErrorCode::NoData, "grid", "the study extent is empty");
  origin_ = {extent.min_x, extent.min_y};
  double nx, ny;
  if (shape == CellShape::Square) {
    nx = std::max(1.0, std::ceil(extent.width() / cell_m));
    ny = std::max(1.0, std::ceil(extent.height() / cell_m));
    // A point exactly on the north/east edge belongs to the grid.
    if (origin_.x + nx * cell_m <= extent.max_x) nx += 1;
    if (origin_.y + ny * cell_m <= extent.max_y) ny += 1;
  } else {
    side_ = cell_m * std::sqrt(2.0 / (3.0 * kSqrt3));
    // Centre (0, 0) half a cell west of the south-west corner, so that the odd
    // (east-shifted) rows also cover the west edge; one extra column and row
    // cover the far edges.
    const double w = kSqrt3 * side_;
    origin_.x -= 0.5 * w;
    nx = std::ceil((extent.width() + 0.5 * w) / w) + 1;
    ny = std::ceil(extent.height() / (1.5 * side_)) + 1;
  }
  if (nx * ny > 5e7)
    throw Error(ErrorCode::BadOption, "grid.cell_m",
                fmt::format("{} m cells over {:.0f} x {:.0f} m make {:.0f} cells (at most 50 million)", cell_m,
                            extent.width(), extent.height(), nx * ny));
  nx_ = static_cast<std::size_t>(nx);
  ny_ = static_cast<std::size_t>(ny);
}

Point Grid::centre(std::size_t cell) const {
  const std::size_t col = cell % nx_, row = cell / nx_;
  if (shape_ == CellShape::Square) return {origin_.x + (col + 0.5) * cell_m_, origin_.y + (row + 0.5) * cell_m_};
  return {origin_.x + kSqrt3 * side_ * (col + 0.5 * (row & 1)), origin_.y + 1.5 * side_ * row};
}

Polygon Grid::polygon(std::size_t cell) const {
  const Point c = centre(cell);
  Polygon p;
  if (shape_ == CellShape::Square) {
    const double h = 0.5 * cell_m_;
    p.outer = {{c.x - h, c.y - h}, {c.x + h, c.y - h}, {c.x + h, c.y + h}, {c.x - h, c.y + h}, {c.x - h, c.y - h}};
  } else {
    for (int k = 0; k < 6; ++k) {
      const double a = (60.0 * k - 30.0) * M_PI / 180.0;
      p.outer.push_back({c.x + side_ * std::cos(a), c.y + side_ * std::sin(a)});
    }
    p.outer.push_back(p.outer.front());
  }
  return p;
}

std::size_t Grid::cell_of(Point p) const {
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return kNoCell;
  const double px = p.x - origin_.x, py = p.y - origin_.y;
  long col, row;
  if (shape_ == CellShape::Square) {
    col = static_cast<long>(std::floor(px / cell_m_));
    row = static_cast<long>(std::floor(py / cell_m_));
  } else {
    // Axial coordinates of pointy-top hexagons, then cube rounding (Red Blob Games).
    const double q = (kSqrt3 / 3.0 * px - py / 3.0) / side_;
    const double r = (2.0 / 3.0 * py) / side_;
    double cx = q, cz = r, cy = -q - r;
    double rx = std::round(cx), ry = std::round(cy), rz = std::round(cz);
    const double dx = std::abs(rx - cx), dy = std::abs(ry - cy), dz = std::abs(rz - cz);
    if (dx > dy && dx > dz) rx = -ry - rz;
    else if (dy <= dz) rz = -rx - ry;
    row = static_cast<long>(rz);
    if (row < 0) return kNoCell;
    col = static_cast<long>(rx) + (row - (row & 1)) / 2;
  }
  if (col < 0 || row < 0 || col >= static_cast<long>(nx_) || row >= static_cast<long>(ny_)) return kNoCell;
  return id(static_cast<std::size_t>(col), static_cast<std::size_t>(row));
}

namespace {

hotspot::Weights from_rows(const std::vector<std::vector<hotspot::UnitId>>& rows) {
  hotspot::Weights w;
  w.offsets.assign(1, 0);
  for (const auto& r : rows) {
    for (auto j : r) {
      w.neighbours.push_back(j);
      w.weights.push_back(1.0);
    }
    w.offsets.push_back(w.neighbours.size());
  }
  w.self_included = false;
  w.style = hotspot::WeightStyle::Raw;
  return w;
}

}  // namespace

hotspot::Weights Grid::contiguity(bool queen) const {
  std::vector<std::vector<hotspot::UnitId>> rows(size());
  for (std::size_t row = 0; row < ny_; ++row)
    for (std::size_t col = 0; col < nx_; ++col) {
      auto& r = rows[id(col, row)];
      auto add = [&](long c, long rr) {
        if (c >= 0 && rr >= 0 && c < static_cast<long>(nx_) && rr < static_cast<long>(ny_))
          r.push_back(static_cast<hotspot::UnitId>(id(static_cast<std::size_t>(c), static_cast<std::size_t>(rr))));
      };
      const long c = static_cast<long>(col), rr = static_cast<long>(row);
      if (shape_ == CellShape::Square) {
        for (long dy = -1; dy <= 1; ++dy)
          for (long dx = -1; dx <= 1; ++dx) {
            if (dx == 0 && dy == 0) continue;
            if (!queen && dx != 0 && dy != 0) continue;
            add(c + dx, rr + dy);
          }
      } else {
        const long s = (row & 1) ? 0 : -1;  // odd rows are shifted east
        add(c - 1, rr), add(c + 1, rr);
        add(c + s, rr - 1), add(c + s + 1, rr - 1);
        add(c + s, rr + 1), add(c + s + 1, rr + 1);
      }
      std::sort(r.begin(), r.end());
    }
  return from_rows(rows);
}

hotspot::Weights Grid::distance_band(double d) const {
  if (!(d > 0)) throw Error(ErrorCode::BadOption, "grid.distance_m", "must be > 0");
  const double stepx = shape_ == CellShape::Square ? cell_m_ : kSqrt3 * side_;
  const double stepy = shape_ == CellShape::Square ? cell_m_ : 1.5 * side_;
  const long rx = static_cast<long>(std::ceil(d / stepx)) + 1, ry = static_cast<long>(std::ceil(d / stepy)) + 1;
  std::vector<std::vector<hotspot::UnitId>> rows(size());
  for (std::size_t i = 0; i < size(); ++i) {
    const Point c = centre(i);
    const long col = static_cast<long>(i % nx_), row = static_cast<long>(i / nx_);
    for (long r = std::max(0L, row - ry); r <= std::min<long>(ny_ - 1, row + ry); ++r)
      for (long q = std::max(0L, col - rx); q <= std::min<long>(nx_ - 1, col + rx); ++q) {
        const std::size_t j = id(static_cast<std::size_t>(q), static_cast<std::size_t>(r));
        if (j != i && distance(c, centre(j)) <= d * (1 + 1e-12)) rows[i].push_back(static_cast<hotspot::UnitId>(j));
      }
    std::sort(rows[i].begin(), rows[i].end());
  }
  return from_rows(rows);
}

std::vector<double> quartic_kde(const Grid& grid, const std::vector<Point>& events, const std::vector<double>& weights,
                                double h) {
  if (!(h > 0)) throw Error(ErrorCode::BadOption, "grid.kde_bandwidth_m", "must be > 0");
  std::vector<double> out(grid.size(), 0.0);
  const double norm = 3.0 / (M_PI * h * h) * 1e6;  // per square km
  const double stepx = grid.shape() == CellShape::Square ? grid.cell_m() : kSqrt3 * grid.hex_side();
  const double stepy = grid.shape() == CellShape::Square ? grid.cell_m() : 1.5 * grid.hex_side();
  const long rx = static_cast<long>(std::ceil(h / stepx)) + 1, ry = static_cast<long>(std::ceil(h / stepy)) + 1;
  const long nx = static_cast<long>(grid.nx()), ny = static_cast<long>(grid.ny());
  // Event by event in input order: the sums never depend on threads.
  for (std::size_t k = 0; k < events.size(); ++k) {
    const Point e = events[k];
    const double w = weights.empty() ? 1.0 : weights[k];
    const std::size_t home = grid.cell_of(e);
    long col, row;
    if (home != Grid::kNoCell) {
      col = static_cast<long>(home % grid.nx());
      row = static_cast<long>(home / grid.nx());
    } else {
      col = static_cast<long>(std::floor((e.x - grid.origin().x) / stepx));
      row = static_cast<long>(std::floor((e.y - grid.origin().y) / stepy));
    }
    for (long r = std::max(0L, row - ry); r <= std::min(ny - 1, row + ry); ++r)
      for (long q = std::max(0L, col - rx); q <= std::min(nx - 1, col + rx); ++q) {
        const std::size_t j = grid.id(static_cast<std::size_t>(q), static_cast<std::size_t>(r));
        const Point c = grid.centre(j);
        const double u2 = ((c.x - e.x) * (c.x - e.x) + (c.y - e.y) * (c.y - e.y)) / (h * h);
        if (u2 < 1.0) out[j] += w * norm * (1.0 - u2) * (1.0 - u2);
      }
  }
  return out;
}

// ---- Options -----------------------------------------------------------------------

void GridOptions::declare(OptionSet& o) {
  o.real("cell_m", cell_m, "Cell size: square side; hexagons have the same area (m)", 1.0, 1e6)
      .choice("shape", shape, "Cell shape", {"square", "hex"})
      .choice("weights", weights, "Gi* neighbours: queen or rook contiguity, or a distance band", {"queen", "rook", "distance"})
      .real("distance_m", distance_m, "Gi* distance band between cell centres (m; --weights distance)", 1.0, 1e6)
      .real("kde_bandwidth_m", kde_bandwidth_m, "Planar quartic KDE bandwidth (support radius, m)", 1.0, 1e6)
      .flag("severity_weights", severity_weights, "Weight incidents by the taxonomy's severity in the KDE")
      .integer("permutations", permutations, "Gi*: conditional permutations (0 = analytical)", 0, 99999)
      .choice("gistar_significance", gistar_significance,
              "Gi*: classify hot/cold by the analytical z or the conditional-permutation p", {"analytical", "permutation"})
      .integer("seed", seed, "Random seed for permutations (0 = the default seed, TRYGGVE_SEED)", 0)
      .flag("no_fdr", no_fdr, "Gi*: classify on raw p instead of Benjamini-Hochberg adjusted p")
      .integer("months", months, "Analyse the latest N months of the data (0 = all)", 0, 1200)
      .list("backtest_coverages_pct", backtest_coverages_pct, "Backtest: hotspot coverages, % of the area")
      .integer("backtest_months", backtest_months, "Backtest: score the latest N months (0 = every month possible)", 0, 1200)
      .integer("backtest_history_months", backtest_history_months, "Backtest: KDE and Gi* use this many previous months",
               1, 1200)
      .integer("forecast_cv_months", forecast_cv_months,
               "Backtest: months before each scored month the mixture's weights are cross-validated on", 1, 120)
      .flag("no_forecast_model", no_forecast_model,
            "Backtest: leave out the self-exciting model's forecast (etas; its monthly fits are most of the time)")
      .real("forecast_cutoff_cells", forecast_cutoff_cells,
            "Backtest: the self-exciting model's neighbours, centres within this many cell sizes", 1.0, 20.0);
}

// ---- Analysis ----------------------------------------------------------------------

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double outside_by(const Envelope& e, Point p) {
  const double dx = std::max({e.min_x - p.x, 0.0, p.x - e.max_x});
  const double dy = std::max({e.min_y - p.y, 0.0, p.y - e.max_y});
  return std::hypot(dx, dy);
}

}  // namespace

GridResult analyse_grid(std::vector<Incident> incidents, const Grid& grid, const GridOptions& o,
                        const Taxonomy* taxonomy, const std::string& file) {
  GridResult r;
  r.grid = grid;
  r.extent = {grid.origin().x, grid.origin().y, grid.origin().x, grid.origin().y};
  for (std::size_t c : {std::size_t{0}, grid.size() - 1})
    for (const auto& p : grid.polygon(c).outer) r.extent.expand(p);
  const auto coverages = parse_coverages(o.backtest_coverages_pct, "grid.backtest_coverages_pct");
  for (auto& inc : incidents) {
    const std::size_t c = grid.cell_of(inc.pos);
    if (c == Grid::kNoCell) {
      Reject x;
      x.file = file;
      x.source_row = inc.source_row;
      x.reason = RejectReason::OutsideMap;
      x.detail = fmt::format("{:.0f} m outside the study extent", outside_by(r.extent, inc.pos));
      x.has_pos = true;
      x.pos = inc.pos;
      x.raw = fmt::format("{},{},{}", inc.id, inc.category, inc.has_time ? to_iso8601(inc.time) : "");
      r.rejects.add(std::move(x));
      continue;
    }
    r.cell_of.push_back(c);
    r.incidents.push_back(std::move(inc));
  }
  r.rejects.sort();
  if (r.incidents.empty()) throw Error(ErrorCode::NoData, file, "no incident inside the study extent");

  std::vector<int> month_of(r.incidents.size(), INT32_MIN);
  int first = INT32_MAX, last = INT32_MIN;
  for (std::size_t k = 0; k < r.incidents.size(); ++k) {
    if (!r.incidents[k].has_time) {
      ++r.without_time;
      continue;
    }
    month_of[k] = month_index(r.incidents[k].time);
    first = std::min(first, month_of[k]);
    last = std::max(last, month_of[k]);
  }
  const bool timed = first <= last;
  const int a0 = timed ? (o.months > 0 ? std::max(first, last - o.months + 1) : first) : 0;
  // A count per cell and month, and a row of the cell_months table (~100 bytes) for each.
  if (timed) check_month_cube(static_cast<double>(grid.size()), a0, last, 8 + 100, file, "the grid's months");
  if (timed)
    for (int m = a0; m <= last; ++m) r.months.push_back(m);
  auto in_range = [&](std::size_t k, int from, int to) { return month_of[k] >= from && month_of[k] <= to; };
  auto counts = [&](int from, int to) {
    std::vector<double> c(grid.size(), 0.0);
    for (std::size_t k = 0; k < r.incidents.size(); ++k)
      if (in_range(k, from, to)) c[r.cell_of[k]] += r.incidents[k].weight;
    return c;
  };
  auto kde = [&](int from, int to, bool severity) {
    std::vector<Point> pts;
    std::vector<double> w;
    for (std::size_t k = 0; k < r.incidents.size(); ++k)
      if (in_range(k, from, to)) {
        pts.push_back(r.incidents[k].pos);
        const auto& inc = r.incidents[k];
        w.push_back(inc.weight * (severity && taxonomy && inc.parameter < taxonomy->size() ? (*taxonomy)[inc.parameter].weight : 1.0));
      }
    return quartic_kde(grid, pts, w, o.kde_bandwidth_m);
  };
  // All analysed months (every incident when none has a time; untimed ones join "all months").
  const bool every = o.months == 0;
  r.count_all.assign(grid.size(), 0.0);
  {
    std::vector<Point> pts;
    std::vector<double> w;
    for (std::size_t k = 0; k < r.incidents.size(); ++k)
      if ((every && month_of[k] == INT32_MIN) || (timed && in_range(k, a0, last))) {
        r.count_all[r.cell_of[k]] += r.incidents[k].weight;
        const auto& inc = r.incidents[k];
        pts.push_back(inc.pos);
        w.push_back(inc.weight * (o.severity_weights && taxonomy && inc.parameter < taxonomy->size()
                                      ? (*taxonomy)[inc.parameter].weight
                                      : 1.0));
      }
    r.kde_all = quartic_kde(grid, pts, w, o.kde_bandwidth_m);
  }
  r.count_latest = timed ? counts(last, last) : std::vector<double>(grid.size(), 0.0);
  for (int m : r.months) r.count_by_month.push_back(counts(m, m));

  // Gi* on the cells.
  auto t0 = Clock::now();
  hotspot::Weights w = o.weights == "distance" ? grid.distance_band(o.distance_m) : grid.contiguity(o.weights != "rook");
  w = hotspot::include_self(w);
  hotspot::LocalOptions lo;
  lo.permutations = static_cast<std::size_t>(o.permutations);
  lo.seed = o.seed == 0 ? default_seed() : static_cast<std::uint64_t>(o.seed);
  lo.fdr = !o.no_fdr;
  lo.classify_by = o.permutations > 0 && o.gistar_significance == "permutation" ? hotspot::Significance::Permutation
                                                                                 : hotspot::Significance::Analytical;
  if (grid.size() >= 3) r.gistar = hotspot::gi_star(w, r.count_all, lo);
  log::info("grid: Gi* on {} cells ({:.2f} s)", grid.size(), seconds_since(t0));

  // Rolling-origin backtest.
  t0 = Clock::now();
  if (timed) {
    const int K = o.backtest_history_months;
    const std::vector<double> measure(grid.size(), grid.cell_area());
    const int t_first = o.backtest_months > 0 ? std::max(first + 1, last - o.backtest_months + 1) : first + 1;
    hotspot::LocalOptions zl;
    zl.permutations = 0;
    zl.fdr = false;
    zl.classify_by = hotspot::Significance::Analytical;
    // The forecast module's view of the grid: cells with their neighbours by the
    // straight-line distance between centres, the incidents by month.
    forecast::MixtureOptions mo;
    mo.cv_months = o.forecast_cv_months;
    mo.smooth_bandwidths_m = {0.5 * o.cell_m, o.cell_m, 2 * o.cell_m};
    mo.recent_bandwidths_m = {0, 0.5 * o.cell_m, o.cell_m, 2 * o.cell_m};
    std::vector<Point> centres(grid.size());
    for (std::size_t c = 0; c < centres.size(); ++c) centres[c] = grid.centre(c);
    const auto units = forecast::units_from_points(centres, measure, mo.needed_cutoff_m());
    std::vector<simulation::CellId> unit_of(r.cell_of.begin(), r.cell_of.end());
    std::vector<forecast::UnitEvent> events;
    std::vector<simulation::ParameterTraits> traits;
    if (taxonomy) {
      events = forecast::events_from_incidents(r.incidents, unit_of, *taxonomy);
      traits = simulation::traits_from_taxonomy(*taxonomy);
    } else {
      // Without a taxonomy every parameter is outdoor and not darkness sensitive.
      for (std::size_t k = 0; k < r.incidents.size(); ++k) {
        const auto& inc = r.incidents[k];
        if (!inc.has_time || inc.parameter == kNoParameter) continue;
        events.push_back({unit_of[k], inc.time, inc.parameter, inc.setting != Setting::Indoor, inc.weight});
        if (inc.parameter >= traits.size()) traits.resize(inc.parameter + 1u);
      }
    }
    const forecast::History history(std::move(events), units.size(), traits.size());
    std::unique_ptr<simulation::CellNetwork> model_units;
    std::unique_ptr<forecast::SelfExcitingForecast> model;
    if (!o.no_forecast_model) {
      // The model's own, shorter neighbour lists: every EM iteration walks them all,
      // and near repeats reach a few hundred metres (EVIDENCE.md).
      model_units = std::make_unique<simulation::CellNetwork>(
          forecast::units_from_points(centres, measure, o.forecast_cutoff_cells * o.cell_m));
      auto fit = forecast::SelfExcitingForecast::default_fit();
      fit.near_repeat.seed = lo.seed;
      model = std::make_unique<forecast::SelfExcitingForecast>(*model_units, history, traits, o.place,
                                                               TimeZone::from_name(o.timezone), fit, last + 1);
    }
    forecast::Forecaster fc(units, history, {}, model.get(), mo);
    std::vector<forecast::Method> methods{
        {"kde", [&](int t) { return kde(t - K, t - 1, false); }},
        {"gistar",
         [&](int t) {
           const auto recent = counts(t - K, t - 1);
           std::vector<double> z(grid.size(), 0.0);
           if (grid.size() >= 3 && *std::max_element(recent.begin(), recent.end()) > 0) {
             const auto g = hotspot::gi_star(w, recent, zl);
             for (std::size_t c = 0; c < z.size(); ++c) z[c] = std::isfinite(g.stats[c].z) ? g.stats[c].z : 0.0;
           }
           return z;
         }},
        {forecast::kLastMonth, [&](int t) { return counts(t - 1, t - 1); }},
        {forecast::kAllHistory, [&](int t) { return counts(first, t - 1); }}};
    for (auto& m : forecast::forecast_methods(fc, true, r.mixture)) methods.push_back(std::move(m));
    if (t_first <= last) r.backtest = forecast::rolling_backtest(history, measure, methods, t_first, last, coverages);
    // The model's backtest on the same months: their forecasts are cached by now (the fits
    // are not: a month keeps only its forecast and log-likelihood).
    if (model && t_first <= last)
      r.model_backtest = forecast::model_backtest(*model, history, measure, t_first, last,
                                                  forecast::kModelBacktestCoverages);
  }
  log::info("grid: backtest ({:.2f} s)", seconds_since(t0));
  return r;
}

nlohmann::json GridResult::summary() const {
  nlohmann::json j;
  j["rows_read"] = rows_read;
  j["placed"] = incidents.size();
  j["without_time"] = without_time;
  nlohmann::json by = nlohmann::json::object();
  for (const auto& [reason, n] : rejects.counts()) by[to_string(reason)] = n;
  j["rejects"] = {{"total", rejects.size()}, {"by_reason", by}};
  j["extent"] = {extent.min_x, extent.min_y, extent.max_x, extent.max_y};
  j["grid"] = {{"shape", grid.shape() == CellShape::Square ? "square" : "hex"},
               {"cell_m", grid.cell_m()},
               {"cell_area_m2", grid.cell_area()},
               {"nx", grid.nx()},
               {"ny", grid.ny()},
               {"cells", grid.size()}};
  if (!months.empty()) j["months"] = {{"first", month_label(months.front())}, {"last", month_label(months.back())}, {"count", months.size()}};
  std::size_t hot = 0, cold = 0, nonzero = 0;
  for (const auto& s : gistar.stats) hot += s.hot_cold > 0, cold += s.hot_cold < 0;
  for (double c : count_all) nonzero += c > 0;
  j["cells_with_incidents"] = nonzero;
  j["gistar"] = {{"hot", hot},
                 {"cold", cold},
                 {"permutations", gistar.permutations},
                 {"fdr", gistar.fdr},
                 {"classified_by", std::string(hotspot::to_string(gistar.classified_by))}};
  nlohmann::json bs = forecast::backtest_summary(backtest, mixture);
  bs["measure"] = "area";
  j["backtest"] = bs;
  if (!model_backtest.empty()) j["model_backtest"] = forecast::model_backtest_json(model_backtest);
  return j;
}

}  // namespace tryggve::situation
