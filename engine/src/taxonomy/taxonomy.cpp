#include "tryggve/taxonomy/taxonomy.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "tryggve/core/duplicate_keys.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/core/text.hpp"

namespace tryggve {

const char* to_string(ParameterSetting s) {
  switch (s) {
    case ParameterSetting::Outdoor: return "outdoor";
    case ParameterSetting::Indoor: return "indoor";
    case ParameterSetting::Mixed: return "mixed";
  }
  return "mixed";
}

namespace {

// Every mistake is reported as "<file>:<line>: <key path> <problem>", the line
// taken from yaml-cpp's Mark (0-based there).
struct Reader {
  std::string file;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& msg) const {
    const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    throw Error(ErrorCode::BadTaxonomy, line > 0 ? fmt::format("{}:{}", file, line) : file,
                key.empty() ? msg : fmt::format("{} {}", key, msg));
  }

  void only_keys(const YAML::Node& map, const std::string& key, std::initializer_list<const char*> allowed) const {
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) fail(kv.first, key, "has a key that is not a name");
      const auto k = kv.first.Scalar();
      bool ok = false;
      for (const char* a : allowed) ok = ok || k == a;
      if (!ok) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(kv.first, key, fmt::format("has unknown key '{}' (allowed: {})", k, list));
      }
    }
  }

  std::string text(const YAML::Node& map, const std::string& key, const char* name, bool required) const {
    const YAML::Node v = map[name];
    const std::string path = key + "." + name;
    if (!v.IsDefined() || v.IsNull()) {
      if (required) fail(map, path, "is missing");
      return {};
    }
    if (!v.IsScalar()) fail(v, path, "must be text");
    auto s = v.as<std::string>();
    if (required && s.find_first_not_of(" \t") == std::string::npos) fail(v, path, "is empty");
    return s;
  }

  bool flag(const YAML::Node& map, const std::string& key, const char* name) const {
    const YAML::Node v = map[name];
    const std::string path = key + "." + name;
    if (!v.IsDefined() || v.IsNull()) fail(map, path, "is missing (true or false)");
    bool b = false;
    if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b))
      fail(v, path, fmt::format("must be true or false (got '{}')", v.IsScalar() ? v.Scalar() : "a list or map"));
    return b;
  }
};

bool is_code(const std::string& s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

Taxonomy Taxonomy::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(ErrorCode::FileNotFound, path.string(), "taxonomy file not found");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw Error(ErrorCode::FileUnreadable, path.string(), "taxonomy file cannot be read");
  return parse(decode_text_logged(bytes, path.string()), path);
}

Taxonomy Taxonomy::parse(std::string_view text, const std::filesystem::path& path) {
  try {
    return parse_document(text, path);
  } catch (const YAML::Exception& e) {
    // The net under the checks in parse_document: no document ends in "internal error".
    throw Error(ErrorCode::BadTaxonomy, e.mark.is_null() ? path.string() : fmt::format("{}:{}", path.string(), e.mark.line + 1),
                "not a taxonomy this version understands (YAML: " + e.msg + ")");
  }
}

Taxonomy Taxonomy::parse_document(std::string_view text, const std::filesystem::path& path) {
  Reader r{path.string()};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", path.string(), e.mark.line + 1),
                "YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) r.fail(root, "", "must be a map with keys version, est_categories, parameters");
  {
    std::string path;
    YAML::Node a, b;
    switch (check_yaml_keys(root, path, a, b)) {
      case YamlKeys::Duplicate: r.fail(b, path, fmt::format("is given twice (first at line {})", a.Mark().line + 1));
      case YamlKeys::TooLarge:
        r.fail(root, "", "holds more than 100,000 values once its aliases (*name) are expanded");
      case YamlKeys::Cycle:
        r.fail(a, path, "is an alias (*name) inside the very node it names: the document never ends");
      case YamlKeys::Ok: break;
    }
  }
  r.only_keys(root, "(top level)", {"version", "est_categories", "parameters"});

  Taxonomy t;
  t.source_ = path;
  const YAML::Node version = root["version"];
  if (!version.IsDefined()) r.fail(root, "version", "is missing (this format is version 1)");
  int v = 0;
  if (!version.IsScalar() || !YAML::convert<int>::decode(version, v) || v != 1)
    r.fail(version, "version", fmt::format("must be 1 (got '{}')", version.IsScalar() ? version.Scalar() : "?"));
  t.version_ = v;

  const YAML::Node est = root["est_categories"];
  if (!est.IsDefined() || !est.IsSequence() || est.size() == 0)
    r.fail(est.IsDefined() ? est : root, "est_categories", "must be a non-empty list");
  std::set<std::string> est_codes;
  for (std::size_t i = 0; i < est.size(); ++i) {
    const YAML::Node e = est[i];
    const std::string key = fmt::format("est_categories[{}]", i);
    if (!e.IsMap()) r.fail(e, key, "must be a map (code, name_sv, name_en)");
    r.only_keys(e, key, {"code", "name_sv", "name_en"});
    EstCategory c{r.text(e, key, "code", true), r.text(e, key, "name_sv", true), r.text(e, key, "name_en", true)};
    if (!is_code(c.code)) r.fail(e["code"], key + ".code", fmt::format("'{}' must be snake_case (a-z, 0-9, _)", c.code));
    if (!est_codes.insert(c.code).second) r.fail(e["code"], key + ".code", fmt::format("'{}' is listed twice", c.code));
    t.est_categories_.push_back(std::move(c));
  }

  const YAML::Node params = root["parameters"];
  if (!params.IsDefined() || !params.IsSequence() || params.size() == 0)
    r.fail(params.IsDefined() ? params : root, "parameters", "must be a non-empty list");
  if (params.size() >= kNoParameter) r.fail(params, "parameters", fmt::format("has more than {} entries", kNoParameter - 1));
  std::unordered_map<std::string, int> seen;  // code -> line
  for (std::size_t i = 0; i < params.size(); ++i) {
    const YAML::Node p = params[i];
    const std::string key = fmt::format("parameters[{}]", i);
    if (!p.IsMap()) r.fail(p, key, "must be a map");
    r.only_keys(p, key, {"code", "name_sv", "name_en", "description_sv", "description_en", "weight", "setting",
                         "darkness_sensitive", "school_related", "public", "est_category", "why"});
    Parameter q;
    q.id = static_cast<ParameterId>(i);
    q.line = p.Mark().line + 1;
    q.code = r.text(p, key, "code", true);
    if (!is_code(q.code)) r.fail(p["code"], key + ".code", fmt::format("'{}' must be snake_case (a-z, 0-9, _)", q.code));
    if (auto [it, fresh] = seen.emplace(q.code, p["code"].Mark().line + 1); !fresh)
      r.fail(p["code"], key + ".code", fmt::format("'{}' is used twice (first at line {})", q.code, it->second));
    q.name_sv = r.text(p, key, "name_sv", true);
    q.name_en = r.text(p, key, "name_en", true);
    q.description_sv = r.text(p, key, "description_sv", false);
    q.description_en = r.text(p, key, "description_en", false);
    q.why = r.text(p, key, "why", false);

    const YAML::Node w = p["weight"];
    if (!w.IsDefined() || w.IsNull()) r.fail(p, key + ".weight", "is missing (a number > 0)");
    double wv = 0;
    if (!w.IsScalar() || !YAML::convert<double>::decode(w, wv) || !std::isfinite(wv))
      r.fail(w, key + ".weight", fmt::format("must be a number (got '{}')", w.IsScalar() ? w.Scalar() : "?"));
    if (!(wv > 0)) r.fail(w, key + ".weight", fmt::format("must be > 0 (got {})", w.Scalar()));
    q.weight = wv;

    const std::string setting = r.text(p, key, "setting", true);
    if (setting == "outdoor") q.setting = ParameterSetting::Outdoor;
    else if (setting == "indoor") q.setting = ParameterSetting::Indoor;
    else if (setting == "mixed") q.setting = ParameterSetting::Mixed;
    else r.fail(p["setting"], key + ".setting", fmt::format("must be outdoor, indoor or mixed (got '{}')", setting));

    q.darkness_sensitive = r.flag(p, key, "darkness_sensitive");
    q.school_related = r.flag(p, key, "school_related");
    q.is_public = r.flag(p, key, "public");
    q.est_category = r.text(p, key, "est_category", true);
    if (!est_codes.count(q.est_category))
      r.fail(p["est_category"], key + ".est_category",
             fmt::format("'{}' is not one of the est_categories", q.est_category));
    t.parameters_.push_back(std::move(q));
  }
  return t;
}

Taxonomy Taxonomy::load_default() { return load(data_dir() / "taxonomy.yaml"); }

std::optional<ParameterId> Taxonomy::find(std::string_view code) const {
  for (const auto& p : parameters_)
    if (p.code == code) return p.id;
  return std::nullopt;
}

}  // namespace tryggve
