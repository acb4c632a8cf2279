#include "tryggve/core/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve {

namespace {
std::string format_real(double v) {
  std::string s = fmt::format("{}", v);
  return s;
}

double parse_real(const std::string& text, const std::string& where, const std::string& key) {
  double v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(*b))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(e[-1]))) --e;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v))
    throw Error(ErrorCode::BadOption, where, fmt::format("{} must be a number, not '{}'", key, text));
  return v;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ',')) {
    cur.erase(0, cur.find_first_not_of(" \t"));
    cur.erase(cur.find_last_not_of(" \t") + 1);
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}
}  // namespace

std::string closest_key(const std::string& key, const std::vector<std::string>& keys) {
  std::string best;
  std::size_t best_d = 1000;
  for (const auto& k : keys) {
    std::vector<std::size_t> prev(k.size() + 1), cur(k.size() + 1);
    for (std::size_t j = 0; j <= k.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= key.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= k.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (key[i - 1] == k[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    if (prev[k.size()] < best_d) { best_d = prev[k.size()]; best = k; }
  }
  return best_d <= std::max<std::size_t>(2, key.size() / 3) ? best : std::string();
}

OptionSet::Option& OptionSet::add(Option o) {
  options_.push_back(std::move(o));
  return options_.back();
}

OptionSet::Option* OptionSet::find(const std::string& key) {
  for (auto& o : options_)
    if (o.key == key) return &o;
  return nullptr;
}

OptionSet& OptionSet::real(const std::string& key, double& target, const std::string& description,
                           double min, double max) {
  Option o{key, description, Kind::Real, format_real(target), min, max};
  const std::string stage = stage_;
  o.set = [&target, key, min, max, stage](const std::string& text, const std::string& where) {
    const double v = parse_real(text, where, stage + "." + key);
    if (v < min || v > max)
      throw Error(ErrorCode::BadOption, where,
                  fmt::format("{}.{} must be in [{}, {}], not {}", stage, key, format_real(min), format_real(max), text));
    target = v;
  };
  o.get = [&target] { return format_real(target); };
  add(std::move(o));
  return *this;
}

OptionSet& OptionSet::integer(const std::string& key, std::int64_t& target, const std::string& description,
                              std::int64_t min, std::int64_t max) {
  Option o{key, description, Kind::Integer, std::to_string(target), static_cast<double>(min), static_cast<double>(max)};
  const std::string stage = stage_;
  o.set = [&target, key, min, max, stage](const std::string& text, const std::string& where) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size())
      throw Error(ErrorCode::BadOption, where, fmt::format("{}.{} must be a whole number, not '{}'", stage, key, text));
    if (v < min || v > max)
      throw Error(ErrorCode::BadOption, where, fmt::format("{}.{} must be in [{}, {}], not {}", stage, key, min, max, v));
    target = v;
  };
  o.get = [&target] { return std::to_string(target); };
  add(std::move(o));
  return *this;
}

OptionSet& OptionSet::integer(const std::string& key, int& target, const std::string& description, int min, int max) {
  Option o{key, description, Kind::Integer, std::to_string(target), static_cast<double>(min), static_cast<double>(max)};
  const std::string stage = stage_;
  o.set = [&target, key, min, max, stage](const std::string& text, const std::string& where) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size())
      throw Error(ErrorCode::BadOption, where, fmt::format("{}.{} must be a whole number, not '{}'", stage, key, text));
    if (v < min || v > max)
      throw Error(ErrorCode::BadOption, where, fmt::format("{}.{} must be in [{}, {}], not {}", stage, key, min, max, v));
    target = v;
  };
  o.get = [&target] { return std::to_string(target); };
  add(std::move(o));
  return *this;
}

OptionSet& OptionSet::text(const std::string& key, std::string& target, const std::string& description, bool required) {
  Option o{key, description, Kind::Text, target};
  o.required = required;
  o.set = [&target](const std::string& text, const std::string&) { target = text; };
  o.get = [&target] { return target; };
  add(std::move(o));
  return *this;
}

OptionSet& OptionSet::flag(const std::string& key, bool& target, const std::string& description) {
  Option o{key, description, Kind::Flag, target ? "true" : "false"};
  const std::string stage = stage_;
  o.set = [&target, key, stage](const std::string& text, const std::string& where) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (t == "true" || t == "yes" || t == "1" || t == "on") target = true;
    else if (t == "false" || t == "no" || t == "0" || t == "off") target = false;
    else throw Error(ErrorCode::BadOption, where, fmt::format("{}.{} must be true or false, not '{}'", stage, key, text));
  };
  o.get = [&target] { return std::string(target ? "true" : "false"); };
  add(std::move(o));
  return *this;
}

OptionSet& OptionSet::choice(const std::string& key, std::string& target, const std::string& description,
                             std::vector<std::string> choices) {
  Option o{key, description, Kind::Choice, target};
  o.choices = choices;
  const std::string stage = stage_;
  o.set = [&target, key, choices, stage](const std::string& text, const std::string& where) {
    if (std::find(choices.begin(), choices.end(), text) == choices.end())
      throw Error(ErrorCode::BadOption, where,
                  fmt::format("{}.{} must be one of {}, not '{}'", stage, key, join(choices, "|"), text));
    target = text;
  };
  o.get = [&target] { return target; };
  add(std::move(o));
  return *this;
}

OptionSet& OptionSet::list(const std::string& key, std::vector<std::string>& target, const std::string& description) {
  Option o{key, description, Kind::List, join(target, ",")};
  o.set = [&target](const std::string& text, const std::string&) { target = split_list(text); };
  o.get = [&target] { return join(target, ","); };
  add(std::move(o));
  return *this;
}

void OptionSet::set(const std::string& key, const std::string& value, const std::string& where) {
  Option* o = find(key);
  if (!o) {
    std::vector<std::string> keys;
    for (const auto& x : options_) keys.push_back(x.key);
    const std::string hint = closest_key(key, keys);
    throw Error(ErrorCode::BadOption, where,
                fmt::format("{} has no option '{}'{}", stage_, key, hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  o->set(value, where);
  o->is_set = true;
}

void OptionSet::check_required(const std::string& where) const {
  for (const auto& o : options_)
    if (o.required && !o.is_set && o.get().empty())
      throw Error(ErrorCode::BadOption, where, fmt::format("{}.{} is required ({})", stage_, o.key, o.description));
}

std::map<std::string, std::string> OptionSet::resolved() const {
  std::map<std::string, std::string> m;
  for (const auto& o : options_) m[o.key] = o.get();
  return m;
}

std::string OptionSet::describe() const {
  std::string s = fmt::format("{}: {}\n", stage_, description_);
  for (const auto& o : options_)
    s += fmt::format("  {:<28} {:<14} {}\n", o.key, o.default_text.empty() ? "-" : o.default_text, o.description);
  return s;
}

}  // namespace tryggve
