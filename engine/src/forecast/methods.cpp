#include "tryggve/forecast/methods.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/forecast/components.hpp"

namespace tryggve::forecast {

void MixtureOptions::validate() const {
  auto bad = [](const char* key, const std::string& why) { return Error(ErrorCode::BadOption, key, why); };
  if (coverages.empty()) throw bad("forecast.coverages", "at least one coverage is needed");
  for (double c : coverages)
    if (!(c > 0 && c <= 1)) throw bad("forecast.coverages", fmt::format("{} is not a share in (0, 1]", c));
  if (cv_months < 1) throw bad("forecast.cv_months", "must be >= 1");
  if (objective != "pei" && objective != "loglik")
    throw bad("forecast.objective", "'" + objective + "' is not pei or loglik");
  if (!(min_gain >= 0)) throw bad("forecast.min_gain", "must be >= 0");
  if (weights.empty()) throw bad("forecast.weights", "at least one weight is needed");
  for (double w : weights)
    if (!(w > 0 && w < 1)) throw bad("forecast.weights", fmt::format("{} is not in (0, 1)", w));
  if (max_parts < 0) throw bad("forecast.max_parts", "must be >= 0");
  for (double d : decays)
    if (!(d > 0 && d < 1)) throw bad("forecast.decays", fmt::format("{} is not in (0, 1)", d));
  for (double b : smooth_bandwidths_m)
    if (!(b > 0)) throw bad("forecast.smooth_bandwidths_m", "bandwidths must be > 0");
  for (double b : recent_bandwidths_m)
    if (!(b >= 0)) throw bad("forecast.recent_bandwidths_m", "bandwidths must be >= 0");
  if (recent_months < 1) throw bad("forecast.recent_months", "must be >= 1");
}

double MixtureOptions::needed_cutoff_m() const {
  double b = 0;
  for (double x : smooth_bandwidths_m) b = std::max(b, x);
  for (double x : recent_bandwidths_m) b = std::max(b, x);
  return 3 * b;
}

std::string MixtureChoice::describe() const {
  std::string s;
  for (const auto& p : parts) {
    if (!s.empty()) s += " + ";
    s += p.component;
    if (p.component == "decayed") s += fmt::format("({:g})", p.parameter);
    else if (p.component == "smooth" || p.component == "recent") s += fmt::format("({:g} m)", p.parameter);
    s += fmt::format(" {:.3g}", p.weight);
  }
  return s;
}

struct Forecaster::Components {
  std::vector<double> long_shares;
  // Candidates other than long: (component, parameter) -> shares.
  std::vector<MixturePart> kinds;
  std::vector<std::vector<double>> shares;
  const std::vector<double>* find(const MixturePart& p) const {
    if (p.component == "long") return &long_shares;
    for (std::size_t k = 0; k < kinds.size(); ++k)
      if (kinds[k].component == p.component && kinds[k].parameter == p.parameter) return &shares[k];
    return nullptr;
  }
};

Forecaster::Forecaster(const simulation::CellNetwork& units, const History& history, std::vector<Covariate> covariates,
                       SelfExcitingForecast* model, MixtureOptions options)
    : units_(&units), history_(&history), covariates_(std::move(covariates)), model_(model),
      options_(std::move(options)) {
  options_.validate();
  if (units.size() != history.units())
    throw Error(ErrorCode::BadOption, "forecast", fmt::format("{} units, history on {}", units.size(), history.units()));
  for (const auto& c : covariates_)
    if (c.values.size() != units.size())
      throw Error(ErrorCode::BadValue, "forecast covariate " + c.name,
                  fmt::format("{} values for {} units", c.values.size(), units.size()));
  measure_.resize(units.size());
  // A zero-length lixel (a degenerate edge) gets a tiny measure, as the stages
  // score it: its risk per metre stays finite and it takes no budget.
  for (std::size_t u = 0; u < units.size(); ++u)
    measure_[u] = std::max(units.length(static_cast<simulation::CellId>(u)), 1e-9);
}

std::vector<double> Forecaster::all_history(int month) const {
  return history_->decayed_sum(history_->first_month(), month - 1, 1.0);
}

std::vector<double> Forecaster::last_month(int month) const {
  const auto c = history_->counts(month - 1);
  return {c.begin(), c.end()};
}

std::vector<double> Forecaster::etas(int month) {
  if (!model_) throw Error(ErrorCode::BadOption, "forecast", "no self-exciting model was given");
  auto r = model_->forecast(month).total();
  for (std::size_t u = 0; u < r.size(); ++u) r[u] /= measure_[u];
  return r;
}

double Forecaster::dark_share(int month) const { return model_ ? model_->dark_share(month) : 0.0; }

const Forecaster::Components& Forecaster::components(int month) {
  if (auto it = cache_.find(month); it != cache_.end()) return *it->second;
  auto made = std::make_shared<Components>();
  Components& c = *made;
  const int first = history_->first_month();
  auto add = [&](const char* name, double parameter, std::vector<double> v) {
    v = to_shares(std::move(v));
    if (std::all_of(v.begin(), v.end(), [](double x) { return x == 0; })) return;
    c.kinds.push_back({name, parameter, 0});
    c.shares.push_back(std::move(v));
  };
  const auto all = history_->decayed_sum(first, month - 1, 1.0);
  c.long_shares = to_shares(all);
  if (!options_.smooth_bandwidths_m.empty()) {
    // Units with the same count are ranked by their neighbourhood's count, not by
    // their index: a share of 1e-6 of the first smoothing changes no order between
    // different counts (the smoothed shares would have to differ by a million
    // times the gap between the counts' shares).
    const auto tie = to_shares(smooth(*units_, all, options_.smooth_bandwidths_m.front()));
    for (std::size_t u = 0; u < tie.size(); ++u) c.long_shares[u] = (1 - 1e-6) * c.long_shares[u] + 1e-6 * tie[u];
  }
  for (double d : options_.decays) add("decayed", d, history_->decayed_sum(first, month - 1, d));
  for (double b : options_.smooth_bandwidths_m) add("smooth", b, smooth(*units_, all, b));
  const auto recent = history_->decayed_sum(month - options_.recent_months, month - 1, 1.0);
  for (double b : options_.recent_bandwidths_m) add("recent", b, smooth(*units_, recent, b));
  if (options_.self_excitation && model_) add("self", 0, model_->forecast(month).triggered);
  if (options_.terrain && !covariates_.empty()) {
    const auto tm =
        fit_terrain(*history_, covariates_, measure_, first, month - 1, [&](int m) { return dark_share(m); });
    if (!tm.beta.empty()) add("terrain", 0, tm.shares(covariates_, measure_, dark_share(month)));
  }
  return *cache_.emplace(month, std::move(made)).first->second;
}

std::vector<double> Forecaster::mix(const Components& c, const std::vector<MixturePart>& parts) const {
  std::vector<double> p(measure_.size(), 0.0);
  for (const auto& part : parts) {
    const auto* v = c.find(part);
    if (!v) continue;  // a component this month does not have (e.g. no self-excitation fitted)
    for (std::size_t u = 0; u < p.size(); ++u) p[u] += part.weight * (*v)[u];
  }
  return to_shares(std::move(p));
}

std::vector<double> Forecaster::mixture_shares(int month, MixtureChoice* out) {
  if (month <= history_->first_month())
    throw Error(ErrorCode::NoData, "forecast", fmt::format("no history before {}", month_label(month)));
  MixtureChoice best;
  best.month = month;
  best.parts = {{"long", 0, 1.0}};

  struct Fold {
    const Components* comp;
    Scorer scorer;
    std::vector<double> y;
    double total;
    std::vector<double> p;  // the current mixture
  };
  std::vector<Fold> folds;
  for (int m = std::max(history_->first_month() + 1, month - options_.cv_months); m < month; ++m) {
    const auto y = history_->counts(m);
    const double total = std::accumulate(y.begin(), y.end(), 0.0);
    if (total <= 0) continue;
    const Components& c = components(m);
    folds.push_back({&c, Scorer(measure_, y, options_.coverages), {y.begin(), y.end()}, total, c.long_shares});
  }
  const double M = std::accumulate(measure_.begin(), measure_.end(), 0.0);
  const bool by_pei = options_.objective == "pei";

  // Mean PEI and log-likelihood per incident over the folds of the mixture
  // (1 - w) p + w q, q = the candidate's shares in each fold (null: p itself),
  // and each fold's PEI (for the standard error of a step's gain).
  struct Score {
    double pei = -INFINITY, ll = -INFINITY;
    std::vector<double> fold_pei;
  };
  std::vector<double> mixed(measure_.size()), risk(measure_.size());
  auto evaluate = [&](const MixturePart* cand, double w) {
    Score s{0, 0, {}};
    for (const auto& f : folds) {
      const std::vector<double>* q = cand ? f.comp->find(*cand) : nullptr;
      for (std::size_t u = 0; u < mixed.size(); ++u) {
        mixed[u] = q ? (1 - w) * f.p[u] + w * (*q)[u] : f.p[u];
        risk[u] = mixed[u] / measure_[u];
      }
      double pei = 0;
      for (const auto& c : f.scorer.score(risk)) pei += std::isfinite(c.pei) ? c.pei : 0.0;
      s.fold_pei.push_back(pei / static_cast<double>(options_.coverages.size()));
      s.pei += s.fold_pei.back();
      double ll = 0;
      for (std::size_t u = 0; u < mixed.size(); ++u)
        if (f.y[u] > 0) ll += f.y[u] * std::log(0.99 * mixed[u] + 0.01 * measure_[u] / M);
      s.ll += ll / f.total;
    }
    s.pei /= static_cast<double>(folds.size());
    s.ll /= static_cast<double>(folds.size());
    return s;
  };
  // Is `a` better than `b`? The objective first; an unchanged objective is broken
  // by the other measure.
  auto better = [&](const Score& a, const Score& b) {
    if (by_pei) return a.pei > b.pei || (a.pei == b.pei && a.ll > b.ll);
    return a.ll > b.ll || (a.ll == b.ll && a.pei > b.pei);
  };
  // Is a step from `b` to `a` worth taking? With the pei objective its gain must
  // exceed min_gain and one standard error of the gains over the folds (the
  // one-standard-error rule: selection among many candidates on a few months
  // rewards noise, so the simpler map is kept unless the evidence is clear;
  // fewer than two months give no standard error and no step). An unchanged PEI
  // with a log-likelihood better by kMinLogLikGain per incident is a tie-break and
  // taken (smaller gains are rounding and the 1e-6 tie-break share of long).
  constexpr double kMinLogLikGain = 1e-4;
  auto worth = [&](const Score& a, const Score& b) {
    if (!by_pei) return a.ll > b.ll + kMinLogLikGain;
    if (a.pei == b.pei) return a.ll > b.ll + kMinLogLikGain;
    const std::size_t k = a.fold_pei.size();
    if (k < 2) return false;
    double mean = 0, ss = 0;
    for (std::size_t f = 0; f < k; ++f) mean += a.fold_pei[f] - b.fold_pei[f];
    mean /= static_cast<double>(k);
    for (std::size_t f = 0; f < k; ++f) ss += std::pow(a.fold_pei[f] - b.fold_pei[f] - mean, 2);
    const double se = std::sqrt(ss / static_cast<double>(k - 1) / static_cast<double>(k));
    return mean > options_.min_gain && mean > se;
  };

  if (!folds.empty()) {
    best.folds = static_cast<int>(folds.size());
    Score current = evaluate(nullptr, 0);
    best.cv_pei_all_history = current.pei;
    // Candidates: every component a fold has, with each of its parameters.
    std::vector<MixturePart> candidates;
    for (const auto& k : folds.front().comp->kinds)
      if (std::all_of(folds.begin(), folds.end(), [&](const Fold& f) { return f.comp->find(k) != nullptr; }))
        candidates.push_back(k);
    for (int step = 0; step < options_.max_parts; ++step) {
      Score top;
      const MixturePart* pick = nullptr;
      double pick_w = 0;
      for (const auto& cand : candidates) {
        const bool used = std::any_of(best.parts.begin(), best.parts.end(),
                                      [&](const MixturePart& p) { return p.component == cand.component; });
        if (used) continue;
        for (double w : options_.weights) {
          Score s = evaluate(&cand, w);
          if (better(s, top)) {
            top = std::move(s);
            pick = &cand;
            pick_w = w;
          }
        }
      }
      if (!pick || !worth(top, current)) break;
      for (auto& f : folds) {
        const auto& q = *f.comp->find(*pick);
        for (std::size_t u = 0; u < f.p.size(); ++u) f.p[u] = (1 - pick_w) * f.p[u] + pick_w * q[u];
      }
      for (auto& p : best.parts) p.weight *= 1 - pick_w;
      best.parts.push_back({pick->component, pick->parameter, pick_w});
      current = top;
    }
    best.cv_pei = current.pei;
    best.cv_loglik = current.ll;
  }

  // The forecast itself, from the months before `month`.
  auto p = mix(components(month), best.parts);
  if (out) *out = best;
  // Components of months before this month's folds are let go: callers go forward
  // in time (the backtest, the monthly cycle), and on a city each month's are
  // 160 MB (13 shares x 1.5 M lixels), 17 months of them in a 12-month backtest.
  // A month asked for again is made again, the same.
  cache_.erase(cache_.begin(), cache_.lower_bound(month - options_.cv_months));
  return p;
}

std::vector<double> Forecaster::mixture(int month, MixtureChoice* choice) {
  auto p = mixture_shares(month, choice);
  for (std::size_t u = 0; u < p.size(); ++u) p[u] /= measure_[u];
  return p;
}

std::vector<BacktestRow> rolling_backtest(const History& history, std::span<const double> measure,
                                          const std::vector<Method>& methods, int from, int to,
                                          std::span<const double> coverages) {
  std::vector<BacktestRow> rows;
  for (int m = from; m <= to; ++m) {
    const Scorer scorer(measure, history.counts(m), coverages);
    for (const auto& method : methods)
      for (const auto& s : scorer.score(method.risk(m))) rows.push_back({month_label(m), method.name, s});
  }
  return rows;
}

std::vector<ModelBacktestRow> model_backtest(SelfExcitingForecast& model, const History& history,
                                             std::span<const double> measure, int from, int to,
                                             std::span<const double> coverages) {
  std::vector<ModelBacktestRow> rows;
  const int first = history.first_month();
  for (int m = std::max(from, first + 1); m <= to; ++m) {
    const Scorer scorer(measure, history.counts(m), coverages);
    const std::size_t n = model.events_in(m);
    auto per_event = [&](double ll) { return n > 0 ? ll / static_cast<double>(n) : NAN; };
    auto per_measure = [&](std::vector<double> v) {
      for (std::size_t u = 0; u < v.size(); ++u) v[u] /= measure[u];
      return v;
    };
    rows.push_back({month_label(m), kEtas, n, per_event(model.log_likelihood(m, true)),
                    scorer.score(per_measure(model.forecast(m, true).total()))});
    rows.push_back({month_label(m), "poisson", n, per_event(model.log_likelihood(m, false)),
                    scorer.score(per_measure(model.forecast(m, false).total()))});
    model.forget(m, true);
    model.forget(m, false);
    const auto last = history.counts(m - 1);
    rows.push_back({month_label(m), kLastMonth, n, per_event(model.naive_log_likelihood(m, m - 1, m)),
                    scorer.score(last)});
    rows.push_back({month_label(m), kAllHistory, n, per_event(model.naive_log_likelihood(m, first, m)),
                    scorer.score(history.decayed_sum(first, m - 1, 1.0))});
  }
  return rows;
}

}  // namespace tryggve::forecast

namespace tryggve::forecast {

namespace {
std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
}  // namespace

std::string model_backtest_csv(const std::vector<ModelBacktestRow>& rows) {
  std::string s =
      "month,method,events,log_likelihood_per_event,coverage,units,measure_share,hits,total,hit_rate,pai,pai_max,pei\n";
  for (const auto& r : rows)
    for (const auto& c : r.scores)
      s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.month, r.method, r.events,
                       num(r.log_likelihood_per_event), num(c.coverage), c.units, num(c.measure_share), num(c.hits),
                       num(c.total), num(c.hit_rate), num(c.pai), num(c.pai_max), num(c.pei));
  return s;
}

nlohmann::json model_backtest_json(const std::vector<ModelBacktestRow>& rows) {
  std::vector<std::string> methods;
  for (const auto& r : rows)
    if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) methods.push_back(r.method);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : methods) {
    std::vector<BacktestRow> scores;
    double ll = 0;
    std::size_t months = 0, events = 0;
    for (const auto& r : rows) {
      if (r.method != m) continue;
      for (const auto& c : r.scores) scores.push_back({r.month, m, c});
      if (!std::isfinite(r.log_likelihood_per_event)) continue;
      ll += r.log_likelihood_per_event;
      ++months;
      events += r.events;
    }
    nlohmann::json cov = nlohmann::json::array();
    for (const auto& s : summarise_backtest(scores))
      cov.push_back({{"coverage", s.coverage}, {"mean_hit_rate", jnum(s.mean_hit_rate)}, {"mean_pai", jnum(s.mean_pai)},
                     {"mean_pei", jnum(s.mean_pei)}});
    out.push_back({{"method", m},
                   {"months", months},
                   {"events", events},
                   {"mean_log_likelihood_per_event", months ? nlohmann::json(ll / static_cast<double>(months)) : nlohmann::json()},
                   {"coverages", cov}});
  }
  return out;
}

std::vector<Method> forecast_methods(Forecaster& f, bool etas, std::vector<MixtureChoice>& choices) {
  std::vector<Method> out;
  if (etas && f.has_model()) out.push_back({kEtas, [&f](int t) { return f.etas(t); }});
  out.push_back({kMixture, [&f, &choices](int t) {
                   MixtureChoice c;
                   auto r = f.mixture(t, &c);
                   choices.push_back(std::move(c));
                   return r;
                 }});
  return out;
}

nlohmann::json backtest_summary(const std::vector<BacktestRow>& rows, const std::vector<MixtureChoice>& choices) {
  nlohmann::json out;
  nlohmann::json methods = nlohmann::json::array();
  std::vector<double> scored;
  for (const auto& s : summarise_backtest(rows)) {
    methods.push_back({{"method", s.method}, {"coverage", s.coverage}, {"months", s.months},
                       {"mean_hit_rate", jnum(s.mean_hit_rate)}, {"mean_pai", jnum(s.mean_pai)},
                       {"mean_pei", jnum(s.mean_pei)}});
    if (std::find(scored.begin(), scored.end(), s.coverage) == scored.end()) scored.push_back(s.coverage);
  }
  out["methods"] = methods;
  std::vector<double> verdict;
  for (double c : {0.01, 0.05})
    if (std::find_if(scored.begin(), scored.end(), [&](double x) { return std::abs(x - c) < 1e-12; }) != scored.end())
      verdict.push_back(c);
  if (verdict.empty()) verdict = scored;
  try {
    if (!verdict.empty()) out["best"] = to_json(best_method(rows, verdict));
  } catch (const Error&) {
    // No naive baseline or no month with incidents: there is no verdict to give.
  }
  nlohmann::json mix = nlohmann::json::array();
  for (const auto& c : choices) mix.push_back(to_json(c));
  out["mixture"] = mix;
  return out;
}

nlohmann::json to_json(const Verdict& v) {
  nlohmann::json cov = nlohmann::json::array();
  for (const auto& c : v.coverages) {
    nlohmann::json against = nlohmann::json::object();
    for (std::size_t k = 0; k < c.baselines.size(); ++k)
      against[c.baselines[k]] = {{"mean_pai", jnum(c.baseline_pai[k])}, {"ratio", jnum(c.ratio[k])}};
    cov.push_back({{"coverage", c.coverage},
                   {"mean_pai", jnum(c.best_pai)},
                   {"ratio_to_best_naive", jnum(c.ratio_to_best_naive)},
                   {"naive", against}});
  }
  return {{"best", v.best}, {"merit", jnum(v.merit)}, {"months", v.months}, {"beats_naive", v.beats_naive()},
          {"coverages", cov}};
}

nlohmann::json to_json(const MixtureChoice& c) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : c.parts) {
    nlohmann::json j = {{"component", p.component}, {"weight", p.weight}};
    if (p.component == "decayed") j["decay"] = p.parameter;
    if (p.component == "smooth" || p.component == "recent") j["bandwidth_m"] = p.parameter;
    parts.push_back(j);
  }
  return {{"month", month_label(c.month)}, {"cv_months", c.folds}, {"parts", parts},
          {"cv_mean_pei", jnum(c.cv_pei)}, {"cv_mean_pei_all_history", jnum(c.cv_pei_all_history)},
          {"cv_log_likelihood_per_incident", jnum(c.cv_loglik)}};
}

}  // namespace tryggve::forecast
