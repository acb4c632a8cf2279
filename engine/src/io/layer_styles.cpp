// The styles per layer kind, in one place. A layer's kind follows from its
// fields (the writers name them consistently across stages), first match wins:
//
//   emerging       `class` + `trend_tau`: categories for the 17 emerging-hotspot
//                  classes (reds for hot, blues for cold, grey for no pattern)
//   hotspot_class  `class` (hot_99 .. cold_99, none): Gi* classes, categories
//   z_score        `z` or `z_latest`: graduated, diverging at ±1.65, ±1.96, ±2.58
//   density        a field starting with `density` (per km and latest first):
//                  graduated yellow to red, five quantile classes of the values written
//   count          `count`, `incidents`, `n_reports`, `expected`, `rate_per_km`,
//                  `risk`, `prevented`: graduated the same way
//   plain          anything else: one symbol by geometry
//
// Every kind labels features by the first of `name`, `street_name`, `place_name`,
// `stop_name`, `area_name` that the layer has (along the line for streets).
// Legend labels are Swedish or English as the run's language says.
#include "layer_styles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/hotspot_classes.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io::styles {

namespace {

struct Rgb {
  int r, g, b;
};

std::string esc(const std::string& s) { return xml_escape(s); }

bool has(const std::vector<FieldDef>& f, const std::string& name) {
  return std::any_of(f.begin(), f.end(), [&](const FieldDef& d) { return d.name == name; });
}
int index_of(const std::vector<FieldDef>& f, const std::string& name) {
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f[i].name == name) return static_cast<int>(i);
  return -1;
}
bool numeric(const FieldDef& d) { return d.type == FieldType::Int64 || d.type == FieldType::Real; }

std::string kind_of(const std::vector<FieldDef>& f, int* field) {
  *field = -1;
  if (has(f, "class") && has(f, "trend_tau")) return *field = index_of(f, "class"), "emerging";
  if (has(f, "class")) return *field = index_of(f, "class"), "hotspot_class";
  for (const char* z : {"z", "z_latest"})
    if (const int i = index_of(f, z); i >= 0 && numeric(f[static_cast<std::size_t>(i)])) return *field = i, "z_score";
  for (const char* d : {"density_latest_per_km", "density_all_per_km", "density_per_km", "density"})
    if (const int i = index_of(f, d); i >= 0 && numeric(f[static_cast<std::size_t>(i)])) return *field = i, "density";
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f[i].name.rfind("density", 0) == 0 && numeric(f[i])) return *field = static_cast<int>(i), "density";
  for (const char* c : {"count", "incidents", "n_reports", "expected", "rate_per_km", "risk", "prevented"})
    if (const int i = index_of(f, c); i >= 0 && numeric(f[static_cast<std::size_t>(i)])) return *field = i, "count";
  return "plain";
}

std::string label_field_of(const std::vector<FieldDef>& f) {
  for (const char* n : {"name", "street_name", "place_name", "stop_name", "area_name"})
    if (const int i = index_of(f, n); i >= 0 && f[static_cast<std::size_t>(i)].type == FieldType::String) return n;
  return {};
}

std::string color(Rgb c, int alpha = 255) { return fmt::format("{},{},{},{}", c.r, c.g, c.b, alpha); }

// One QGIS symbol (<symbol>) for the geometry kind.
std::string symbol(GeometryKind kind, const std::string& name, Rgb c, double width_mm = 0.6) {
  auto opt = [](const char* k, const std::string& v) {
    return fmt::format(R"(<Option name="{}" value="{}" type="QString"/>)", k, esc(v));
  };
  std::string type, layer;
  switch (kind) {
    case GeometryKind::Line:
      type = "line";
      layer = R"(<layer class="SimpleLine" enabled="1" locked="0" pass="0"><Option type="Map">)" +
              opt("line_color", color(c)) + opt("line_width", fmt::format("{}", width_mm)) +
              opt("line_width_unit", "MM") + opt("capstyle", "round") + "</Option></layer>";
      break;
    case GeometryKind::Polygon:
      type = "fill";
      layer = R"(<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">)" +
              opt("color", color(c, 110)) + opt("outline_color", color(c)) + opt("outline_width", "0.4") +
              opt("outline_width_unit", "MM") + "</Option></layer>";
      break;
    default:
      type = "marker";
      layer = R"(<layer class="SimpleMarker" enabled="1" locked="0" pass="0"><Option type="Map">)" +
              opt("color", color(c)) + opt("outline_color", "35,35,35,255") + opt("size", "2") +
              opt("size_unit", "MM") + opt("name", "circle") + "</Option></layer>";
  }
  return fmt::format(R"(<symbol type="{}" name="{}" alpha="1" clip_to_extent="1" force_rhr="0">{}</symbol>)", type,
                     esc(name), layer);
}

std::string categorized(const std::string& field, GeometryKind kind, std::span<const hotspot_classes::ClassInfo> cats,
                        const std::string& lang) {
  std::string c, s;
  for (std::size_t i = 0; i < cats.size(); ++i) {
    const auto& k = cats[i];
    c += fmt::format(R"(<category value="{}" symbol="{}" label="{}" render="true"/>)", esc(std::string(k.code)), i,
                     esc(std::string(k.label(lang == "sv"))));
    s += symbol(kind, std::to_string(i), Rgb{k.colour.r, k.colour.g, k.colour.b},
                k.code == "none" || k.code == "no_pattern" ? 0.4 : 1.2);
  }
  return fmt::format(
      R"(<renderer-v2 type="categorizedSymbol" attr="{}" forceraster="0" symbollevels="0" enableorderby="0"><categories>{}</categories><symbols>{}</symbols></renderer-v2>)",
      esc(field), c, s);
}

struct Range {
  double lower, upper;
  std::string label;
  Rgb c;
};

std::string graduated(const std::string& field, GeometryKind kind, const std::vector<Range>& ranges) {
  std::string r, s;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const auto& g = ranges[i];
    r += fmt::format(R"(<range lower="{:.6g}" upper="{:.6g}" symbol="{}" label="{}" render="true"/>)", g.lower,
                     g.upper, i, esc(g.label));
    s += symbol(kind, std::to_string(i), g.c, 0.5 + 0.25 * static_cast<double>(i));
  }
  return fmt::format(
      R"(<renderer-v2 type="graduatedSymbol" attr="{}" graduatedMethod="GraduatedColor" forceraster="0" symbollevels="0" enableorderby="0"><ranges>{}</ranges><symbols>{}</symbols></renderer-v2>)",
      esc(field), r, s);
}

std::string number(double v) {
  if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::fabs(v) >= 1) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

// Five classes at the quantiles of the values written (fewer when values repeat).
std::vector<Range> quantile_ranges(std::vector<double> v) {
  static const Rgb ramp[] = {{255, 255, 178}, {254, 204, 92}, {253, 141, 60}, {240, 59, 32}, {189, 0, 38}};
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  std::sort(v.begin(), v.end());
  std::vector<Range> out;
  if (v.empty()) {
    out.push_back({0, 0, "0", ramp[0]});
    return out;
  }
  std::vector<double> breaks{v.front()};
  for (int k = 1; k <= 5; ++k) {
    const double q = v[std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(k / 5.0 * static_cast<double>(v.size()))) - 1)];
    if (q > breaks.back()) breaks.push_back(q);
  }
  if (breaks.size() == 1) breaks.push_back(breaks.front());
  for (std::size_t i = 0; i + 1 < breaks.size(); ++i) {
    const std::size_t c = breaks.size() == 2 ? 4 : i * 4 / (breaks.size() - 2);
    out.push_back({breaks[i], breaks[i + 1], number(breaks[i]) + " – " + number(breaks[i + 1]), ramp[std::min<std::size_t>(c, 4)]});
  }
  return out;
}

std::vector<Range> z_ranges(const std::string& lang) {
  const bool sv = lang == "sv";
  const double big = 1e9;
  return {{-big, -2.58, sv ? "kallpunkt, z ≤ −2,58 (99 %)" : "cold, z ≤ −2.58 (99%)", {8, 81, 156}},
          {-2.58, -1.96, sv ? "kallpunkt, z ≤ −1,96 (95 %)" : "cold, z ≤ −1.96 (95%)", {66, 146, 198}},
          {-1.96, -1.65, sv ? "kallpunkt, z ≤ −1,65 (90 %)" : "cold, z ≤ −1.65 (90%)", {158, 202, 225}},
          {-1.65, 1.65, sv ? "inte signifikant" : "not significant", {200, 200, 200}},
          {1.65, 1.96, sv ? "hotspot, z ≥ 1,65 (90 %)" : "hot, z ≥ 1.65 (90%)", {253, 141, 60}},
          {1.96, 2.58, sv ? "hotspot, z ≥ 1,96 (95 %)" : "hot, z ≥ 1.96 (95%)", {240, 59, 32}},
          {2.58, big, sv ? "hotspot, z ≥ 2,58 (99 %)" : "hot, z ≥ 2.58 (99%)", {189, 0, 38}}};
}

std::string labeling(const std::string& field, GeometryKind kind) {
  if (field.empty()) return {};
  // placement 2: along the line (QgsPalLayerSettings::Line); 0: around the point; 1: over the centroid.
  const int placement = kind == GeometryKind::Line ? 2 : kind == GeometryKind::Polygon ? 1 : 0;
  return fmt::format(
      R"(<labeling type="simple"><settings calloutType="simple"><text-style fieldName="{}" isExpression="0" fontFamily="Sans Serif" fontSize="8" fontSizeUnit="Point" textColor="40,40,40,255" textOpacity="1"><text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.8"/></text-style><placement placement="{}" placementFlags="10" dist="0.5" distUnits="MM" repeatDistance="0"/><rendering scaleVisibility="1" scaleMin="0" scaleMax="15000" obstacle="1" drawLabels="1" labelPerPart="0" mergeLines="1"/></settings></labeling>)",
      esc(field), placement);
}

}  // namespace

int graduated_field(const std::vector<FieldDef>& fields) {
  int f = -1;
  const std::string k = kind_of(fields, &f);
  return k == "density" || k == "count" ? f : -1;
}

LayerStyle style_for(const std::string& layer, GeometryKind kind, const std::vector<FieldDef>& fields,
                     std::vector<double> values, const std::string& lang) {
  LayerStyle s;
  s.layer = layer;
  int f = -1;
  s.kind = kind_of(fields, &f);
  if (f >= 0) s.field = fields[static_cast<std::size_t>(f)].name;
  s.label_field = label_field_of(fields);
  std::string renderer;
  if (s.kind == "emerging") renderer = categorized(s.field, kind, hotspot_classes::emerging(), lang);
  else if (s.kind == "hotspot_class") renderer = categorized(s.field, kind, hotspot_classes::gistar(), lang);
  else if (s.kind == "z_score") renderer = graduated(s.field, kind, z_ranges(lang));
  else if (s.kind == "density" || s.kind == "count") renderer = graduated(s.field, kind, quantile_ranges(std::move(values)));
  else
    renderer = R"(<renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0"><symbols>)" +
               symbol(kind, "0", kind == GeometryKind::Polygon ? Rgb{120, 160, 120} : Rgb{90, 90, 110}) +
               "</symbols></renderer-v2>";
  s.qml = fmt::format(
      "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      R"(<qgis version="3.28.0-Firenze" styleCategories="Symbology|Labeling" labelsEnabled="{}">{}{}</qgis>)",
      s.label_field.empty() ? 0 : 1, renderer, labeling(s.label_field, kind));
  return s;
}

void write_layer_styles(GDALDataset& ds, const std::vector<LayerStyle>& styles, const std::string& update_time,
                        const std::string& where) {
  if (styles.empty()) return;
  GdalMessages msgs;
  const char* opts[] = {"FID=id", nullptr};
  OGRLayer* l = ds.CreateLayer("layer_styles", nullptr, wkbNone, const_cast<char**>(opts));
  if (!l) throw Error(ErrorCode::OutputFailed, where + " layer layer_styles", "cannot create: " + msgs.last());
  // QGIS's own columns (QgsOgrProviderUtils / the GeoPackage styles table it creates).
  const std::pair<const char*, OGRFieldType> cols[] = {
      {"f_table_catalog", OFTString}, {"f_table_schema", OFTString}, {"f_table_name", OFTString},
      {"f_geometry_column", OFTString}, {"styleName", OFTString},   {"styleQML", OFTString},
      {"styleSLD", OFTString},        {"useAsDefault", OFTInteger}, {"description", OFTString},
      {"owner", OFTString},           {"ui", OFTString},            {"update_time", OFTDateTime}};
  for (const auto& [name, type] : cols) {
    OGRFieldDefn d(name, type);
    if (std::string(name) == "useAsDefault") d.SetSubType(OFSTBoolean);
    if (l->CreateField(&d) != OGRERR_NONE)
      throw Error(ErrorCode::OutputFailed, where + " layer layer_styles", fmt::format("cannot create field {}: {}", name, msgs.last()));
  }
  for (const auto& s : styles) {
    OGRFeature f(l->GetLayerDefn());
    f.SetField("f_table_catalog", "");
    f.SetField("f_table_schema", "");
    f.SetField("f_table_name", s.layer.c_str());
    f.SetField("f_geometry_column", "geom");
    f.SetField("styleName", s.layer.c_str());
    f.SetField("styleQML", s.qml.c_str());
    f.SetField("styleSLD", "");
    f.SetField("useAsDefault", 1);
    f.SetField("description", fmt::format("Tryggve: {}{}", s.kind, s.field.empty() ? "" : " by " + s.field).c_str());
    f.SetField("owner", "");
    f.SetField("ui", "");
    f.SetField("update_time", update_time.c_str());
    if (l->CreateFeature(&f) != OGRERR_NONE)
      throw Error(ErrorCode::OutputFailed, where + " layer layer_styles", "cannot write the style of " + s.layer + ": " + msgs.last());
  }
}

}  // namespace tryggve::io::styles
