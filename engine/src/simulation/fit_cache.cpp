#include "tryggve/simulation/fit_cache.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/error.hpp"

#include "sha256.hpp"

namespace tryggve::simulation {

using nlohmann::json;

FitDigest fit_digest(std::span<const CellEvent> ev, const CellNetwork& cells, const HourCalendar& cal, double t0,
                     double t1, bool darkness_applies, const FitOptions& o) {
  detail::Sha256 h;
  h.text("tryggve.simulation.fit_parameter");
  h.u32(static_cast<std::uint32_t>(kFitAlgorithm));
  h.f64(t0);
  h.f64(t1);
  h.u8(darkness_applies);
  // Every FitOptions field but the cache, in declaration order.
  h.u8(o.self_exciting);
  h.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(o.max_iterations)));
  for (double x : {o.tolerance, o.max_lag_days, o.theta_init, o.omega_init_per_hour, o.sigma_init_m, o.min_sigma_m,
                   o.background_bandwidth_m, o.background_prior_events, o.global_rate_weight, o.profile_prior_events})
    h.f64(x);
  const NearRepeatOptions& nr = o.near_repeat;
  h.text(nr.mode);
  for (double x : {nr.alpha, nr.near_m, nr.near_days, nr.band_m, nr.max_m}) h.f64(x);
  h.u8(static_cast<std::uint8_t>(nr.method));
  h.u64(nr.permutations);
  h.u64(nr.time_bands_days.size());
  for (double x : nr.time_bands_days) h.f64(x);
  h.u64(nr.seed);
  // The cells, by their own digest.
  for (std::uint8_t b : cells.digest()) h.u8(b);
  // The events that enter: triggers from t0 - lag (the same expression fit.cpp
  // searches with, so the same first event), data up to t1.
  const double lag = o.max_lag_days * 24.0;
  const auto lo = std::lower_bound(ev.begin(), ev.end(), t0 - lag, [](const CellEvent& e, double t) { return e.t < t; });
  const auto hi = std::lower_bound(lo, ev.end(), t1, [](const CellEvent& e, double t) { return e.t < t; });
  h.u64(static_cast<std::uint64_t>(hi - lo));
  for (auto it = lo; it != hi; ++it) {
    h.f64(it->t);
    h.u32(it->cell);
    h.u8(it->hour_of_week);
    h.u8(it->month_of_year);
    h.u8(it->dark);
    h.u8(it->outdoor);
  }
  // The calendar's hours the fit reads (fit.cpp: the window's exposure by hour of
  // week, month and darkness).
  std::uint64_t hours = 0;
  for (auto k = static_cast<std::size_t>(std::floor(t0)); k < cal.size() && static_cast<double>(k) < t1; ++k) {
    h.u8(cal[k].hour_of_week);
    h.u8(cal[k].month_of_year);
    h.u8(cal[k].dark_slots);
    ++hours;
  }
  h.u64(hours);
  return h.finish();
}

std::string to_hex(const FitDigest& d) {
  std::string s;
  s.reserve(64);
  for (std::uint8_t b : d) s += fmt::format("{:02x}", b);
  return s;
}

std::optional<FitDigest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  FitDigest d{};
  for (std::size_t k = 0; k < d.size(); ++k) {
    const int a = nibble(hex[2 * k]), b = nibble(hex[2 * k + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    d[k] = static_cast<std::uint8_t>(a * 16 + b);
  }
  return d;
}

std::optional<EtasParameters> MemoryFitCache::find(const FitDigest& digest) {
  std::lock_guard lock(mu_);
  const auto it = fits_.find(digest);
  if (it == fits_.end()) return std::nullopt;
  return it->second;
}

void MemoryFitCache::store(const FitDigest& digest, const EtasParameters& parameters) {
  std::lock_guard lock(mu_);
  fits_.insert_or_assign(digest, parameters);
}

std::size_t MemoryFitCache::size() const {
  std::lock_guard lock(mu_);
  return fits_.size();
}

std::vector<std::pair<FitDigest, EtasParameters>> MemoryFitCache::entries() const {
  std::lock_guard lock(mu_);
  return {fits_.begin(), fits_.end()};
}

// ---- JSON ---------------------------------------------------------------------

namespace {

json num(double v) {
  if (std::isfinite(v)) return v;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("nan:{:016x}", std::bit_cast<std::uint64_t>(v));
}

json nums(std::span<const double> v) {
  json a = json::array();
  for (double x : v) a.push_back(num(x));
  return a;
}

// Reads a record written by to_json_text; every failure names the field.
struct Reader {
  const std::string& where;
  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw Error(ErrorCode::BadValue, where, fmt::format("model fit field '{}': {}", field, why));
  }
  const json& at(const json& o, const char* field) const {
    if (!o.is_object()) fail(field, "not inside an object");
    const auto it = o.find(field);
    if (it == o.end()) fail(field, "missing");
    return *it;
  }
  double value(const json& v, const std::string& field) const {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "inf") return INFINITY;
      if (s == "-inf") return -INFINITY;
      unsigned long long bits = 0;
      int used = 0;
      if (s.size() == 20 && s.rfind("nan:", 0) == 0 && std::sscanf(s.c_str() + 4, "%16llx%n", &bits, &used) == 1 &&
          used == 16) {
        const double d = std::bit_cast<double>(static_cast<std::uint64_t>(bits));
        if (std::isnan(d)) return d;
      }
    }
    fail(field, "not a number");
  }
  double real(const json& o, const char* field) const { return value(at(o, field), field); }
  std::size_t count(const json& o, const char* field) const {
    const json& v = at(o, field);
    if (!v.is_number_unsigned()) fail(field, "not a count");
    return v.get<std::size_t>();
  }
  bool flag(const json& o, const char* field) const {
    const json& v = at(o, field);
    if (!v.is_boolean()) fail(field, "not true or false");
    return v.get<bool>();
  }
  std::vector<double> reals(const json& o, const char* field) const {
    const json& v = at(o, field);
    if (!v.is_array()) fail(field, "not a list");
    std::vector<double> out;
    out.reserve(v.size());
    for (const json& x : v) out.push_back(value(x, field));
    return out;
  }
  template <std::size_t N>
  void fixed(const json& o, const char* field, std::array<double, N>& out) const {
    const auto v = reals(o, field);
    if (v.size() != N) fail(field, fmt::format("{} values, {} expected", v.size(), N));
    std::copy(v.begin(), v.end(), out.begin());
  }
};

}  // namespace

std::string to_json_text(const EtasParameters& p) {
  const NearRepeatEvidence& nr = p.near_repeat;
  const hotspot::KnoxResult& k = nr.knox;
  json knox = {{"space_bands_m", nums(k.space_bands_m)},
               {"time_bands_days", nums(k.time_bands_days)},
               {"events", k.events},
               {"close_pairs", k.close_pairs},
               {"method", hotspot::knox_method_name(k.method)},
               {"permutations", k.permutations},
               {"observed", nums(k.observed)},
               {"expected", nums(k.expected)},
               {"variance", nums(k.variance)},
               {"ratio", nums(k.ratio)},
               {"p_value", nums(k.p_value)},
               {"near_space_bands", k.near_space_bands},
               {"near_time_bands", k.near_time_bands},
               {"near_observed", num(k.near_observed)},
               {"near_expected", num(k.near_expected)},
               {"near_variance", num(k.near_variance)},
               {"near_p_value", num(k.near_p_value)}};
  json near = {{"tested", nr.tested},
               {"detected", nr.detected},
               {"alpha", num(nr.alpha)},
               {"knox", std::move(knox)},
               {"near_ratio", num(nr.near_ratio)},
               {"near_p_value", num(nr.near_p_value)},
               {"extent_m", num(nr.extent_m)},
               {"extent_days", num(nr.extent_days)},
               {"excess_pairs", num(nr.excess_pairs)},
               {"theta", num(nr.theta)},
               {"omega_per_hour", num(nr.omega_per_hour)},
               {"sigma_m", num(nr.sigma_m)}};
  json j = {{"mu", nums(p.mu)},
            {"hour_of_week", nums(p.hour_of_week)},
            {"month_of_year", nums(p.month_of_year)},
            {"darkness_applies", p.darkness_applies},
            {"dark_factor", num(p.dark_factor)},
            {"theta", num(p.theta)},
            {"omega_per_hour", num(p.omega_per_hour)},
            {"sigma_m", num(p.sigma_m)},
            {"max_lag_hours", num(p.max_lag_hours)},
            {"outdoor_share", num(p.outdoor_share)},
            {"events", p.events},
            {"iterations", p.iterations},
            {"converged", p.converged},
            {"log_likelihood", num(p.log_likelihood)},
            {"background_share", num(p.background_share)},
            {"self_excitation", p.self_excitation},
            {"likelihood_ratio", num(p.likelihood_ratio)},
            {"near_repeat", std::move(near)}};
  return j.dump();
}

EtasParameters etas_parameters_from_json(std::string_view text, const std::string& where) {
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::BadValue, where, "the model fit is not JSON");
  const Reader r{where};
  EtasParameters p;
  p.mu = r.reals(j, "mu");
  r.fixed(j, "hour_of_week", p.hour_of_week);
  r.fixed(j, "month_of_year", p.month_of_year);
  p.darkness_applies = r.flag(j, "darkness_applies");
  p.dark_factor = r.real(j, "dark_factor");
  p.theta = r.real(j, "theta");
  p.omega_per_hour = r.real(j, "omega_per_hour");
  p.sigma_m = r.real(j, "sigma_m");
  p.max_lag_hours = r.real(j, "max_lag_hours");
  p.outdoor_share = r.real(j, "outdoor_share");
  p.events = r.count(j, "events");
  {
    const json& v = r.at(j, "iterations");
    if (!v.is_number_integer()) r.fail("iterations", "not an integer");
    p.iterations = v.get<int>();
  }
  p.converged = r.flag(j, "converged");
  p.log_likelihood = r.real(j, "log_likelihood");
  p.background_share = r.real(j, "background_share");
  {
    const json& v = r.at(j, "self_excitation");
    if (!v.is_string()) r.fail("self_excitation", "not text");
    p.self_excitation = v.get<std::string>();
  }
  p.likelihood_ratio = r.real(j, "likelihood_ratio");
  const json& n = r.at(j, "near_repeat");
  NearRepeatEvidence& nr = p.near_repeat;
  nr.tested = r.flag(n, "tested");
  nr.detected = r.flag(n, "detected");
  nr.alpha = r.real(n, "alpha");
  nr.near_ratio = r.real(n, "near_ratio");
  nr.near_p_value = r.real(n, "near_p_value");
  nr.extent_m = r.real(n, "extent_m");
  nr.extent_days = r.real(n, "extent_days");
  nr.excess_pairs = r.real(n, "excess_pairs");
  nr.theta = r.real(n, "theta");
  nr.omega_per_hour = r.real(n, "omega_per_hour");
  nr.sigma_m = r.real(n, "sigma_m");
  const json& k = r.at(n, "knox");
  hotspot::KnoxResult& kr = nr.knox;
  kr.space_bands_m = r.reals(k, "space_bands_m");
  kr.time_bands_days = r.reals(k, "time_bands_days");
  kr.events = r.count(k, "events");
  kr.close_pairs = r.count(k, "close_pairs");
  {
    const json& m = r.at(k, "method");
    if (m != "moments" && m != "permutation") r.fail("method", "not moments or permutation");
    kr.method = hotspot::knox_method_named(m.get<std::string>());
  }
  kr.permutations = r.count(k, "permutations");
  kr.observed = r.reals(k, "observed");
  kr.expected = r.reals(k, "expected");
  kr.variance = r.reals(k, "variance");
  kr.ratio = r.reals(k, "ratio");
  kr.p_value = r.reals(k, "p_value");
  kr.near_space_bands = r.count(k, "near_space_bands");
  kr.near_time_bands = r.count(k, "near_time_bands");
  kr.near_observed = r.real(k, "near_observed");
  kr.near_expected = r.real(k, "near_expected");
  kr.near_variance = r.real(k, "near_variance");
  kr.near_p_value = r.real(k, "near_p_value");
  // The table's cells are read by index (KnoxResult::at): a short list would read past its end.
  const std::size_t cells = kr.space_bands_m.size() * kr.time_bands_days.size();
  if (!kr.variance.empty() && kr.variance.size() != cells)  // empty where no test filled it
    r.fail("knox", fmt::format("{} variances for a {} x {} table", kr.variance.size(), kr.space_bands_m.size(),
                               kr.time_bands_days.size()));
  for (const auto* v : {&kr.observed, &kr.expected, &kr.ratio, &kr.p_value})
    if (v->size() != cells) r.fail("knox", fmt::format("{} values for a {} x {} table", v->size(),
                                                       kr.space_bands_m.size(), kr.time_bands_days.size()));
  return p;
}

}  // namespace tryggve::simulation
