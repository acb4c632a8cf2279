// Every GeoPackage the vector writer makes carries QGIS layer styles: the
// layer_styles table in QGIS's schema, a default style per geometry layer whose
// QML parses and names the field its renderer and labels use, legends in the
// run's language; and the file still reads in GDAL as before.
#include <cpl_minixml.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "test_data.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/vector_writer.hpp"

namespace tryggve::io {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::string table, geom_column, qml, description;
  int use_as_default = 0;
};

std::map<std::string, Row> read_styles(const fs::path& p) {
  ensure_gdal();
  GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR));
  EXPECT_TRUE(ds);
  std::map<std::string, Row> out;
  if (!ds) return out;
  OGRLayer* l = ds->GetLayerByName("layer_styles");
  EXPECT_NE(l, nullptr) << "no layer_styles table";
  if (!l) return out;
  for (const char* col : {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                          "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"})
    EXPECT_GE(l->GetLayerDefn()->GetFieldIndex(col), 0) << col;
  for (auto& f : *l) {
    Row r{f->GetFieldAsString("f_table_name"), f->GetFieldAsString("f_geometry_column"),
          f->GetFieldAsString("styleQML"), f->GetFieldAsString("description"), f->GetFieldAsInteger("useAsDefault")};
    out[r.table] = r;
  }
  return out;
}

// The QML's renderer element (parsed as XML) and its labelling field.
struct Qml {
  std::string renderer_type, attr, label_field;
  std::vector<std::string> labels;  // category or range labels
};
Qml parse_qml(const std::string& text) {
  Qml q;
  std::unique_ptr<CPLXMLNode, decltype(&CPLDestroyXMLNode)> root(CPLParseXMLString(text.c_str()), CPLDestroyXMLNode);
  EXPECT_TRUE(root) << "the QML does not parse as XML";
  if (!root) return q;
  const CPLXMLNode* qgis = CPLSearchXMLNode(root.get(), "=qgis");
  EXPECT_NE(qgis, nullptr);
  if (!qgis) return q;
  const CPLXMLNode* r = CPLGetXMLNode(qgis, "renderer-v2");
  EXPECT_NE(r, nullptr);
  if (!r) return q;
  q.renderer_type = CPLGetXMLValue(r, "type", "");
  q.attr = CPLGetXMLValue(r, "attr", "");
  for (const char* list : {"categories", "ranges"})
    if (const CPLXMLNode* c = CPLGetXMLNode(r, list))
      for (const CPLXMLNode* k = c->psChild; k; k = k->psNext)
        if (k->eType == CXT_Element) q.labels.push_back(CPLGetXMLValue(k, "label", ""));
  q.label_field = CPLGetXMLValue(qgis, "labeling.settings.text-style.fieldName", "");
  return q;
}

void write_sample(const fs::path& p, const std::string& lang) {
  VectorWriter::Options o;
  o.lang = lang;
  VectorWriter w(p, CrsContext::from_spec("EPSG:3006"), o);
  const Polyline line{{0, 0}, {100, 0}};
  auto& gi = w.add_layer("gistar", GeometryKind::Line,
                         {{"edge_id", FieldType::Int64}, {"name", FieldType::String}, {"z", FieldType::Real},
                          {"class", FieldType::String}});
  gi.add({0, "Storgatan", 2.7, "hot_99"}, line);
  gi.add({1, "Storgatan", 0.1, "none"}, line);
  auto& em = w.add_layer("emerging", GeometryKind::Line,
                         {{"edge_id", FieldType::Int64}, {"class", FieldType::String}, {"trend_tau", FieldType::Real}});
  em.add({0, "new_hot", 0.4}, line);
  auto& de = w.add_layer("density", GeometryKind::Line,
                         {{"lixel_id", FieldType::Int64}, {"density_latest_per_km", FieldType::Real}});
  for (int i = 0; i < 50; ++i) de.add({i, 0.1 * i * i}, line);
  auto& z = w.add_layer("zscores", GeometryKind::Point, {{"z_latest", FieldType::Real}});
  z.add({-3.0}, Point{1, 1});
  auto& st = w.add_layer("stops", GeometryKind::Point, {{"name", FieldType::String}});
  st.add({"Kvarnbo torg"}, Point{5, 5});
  auto& t = w.add_layer("backtest", GeometryKind::None, {{"month", FieldType::String}});
  t.add({"2025-01"});
  w.commit();
}

TEST(LayerStyles, EveryGeometryLayerHasADefaultQgisStyleNamingItsField) {
  const auto dir = test::temp_dir("layer_styles");
  const fs::path p = dir / "styled.gpkg";
  write_sample(p, "sv");
  const auto rows = read_styles(p);
  ASSERT_EQ(rows.size(), 5u) << "one row per geometry layer, none for the table";
  EXPECT_EQ(rows.count("backtest"), 0u);
  for (const auto& [name, r] : rows) {
    EXPECT_EQ(r.geom_column, "geom") << name;
    EXPECT_EQ(r.use_as_default, 1) << name;
  }
  const Qml gi = parse_qml(rows.at("gistar").qml);
  EXPECT_EQ(gi.renderer_type, "categorizedSymbol");
  EXPECT_EQ(gi.attr, "class");
  EXPECT_EQ(gi.label_field, "name");
  EXPECT_NE(std::find(gi.labels.begin(), gi.labels.end(), "Brännpunkt, 99 % säkerhet"), gi.labels.end());
  const Qml em = parse_qml(rows.at("emerging").qml);
  EXPECT_EQ(em.renderer_type, "categorizedSymbol");
  EXPECT_EQ(em.attr, "class");
  EXPECT_EQ(em.labels.size(), 17u);
  EXPECT_NE(std::find(em.labels.begin(), em.labels.end(), "Ny brännpunkt"), em.labels.end());
  const Qml de = parse_qml(rows.at("density").qml);
  EXPECT_EQ(de.renderer_type, "graduatedSymbol");
  EXPECT_EQ(de.attr, "density_latest_per_km");
  EXPECT_EQ(de.labels.size(), 5u) << "five quantile classes of the values written";
  EXPECT_EQ(de.labels.back(), "152 – 240");  // 0.1 * 39^2 (the 80% quantile of 50 values) .. 0.1 * 49^2
  const Qml z = parse_qml(rows.at("zscores").qml);
  EXPECT_EQ(z.renderer_type, "graduatedSymbol");
  EXPECT_EQ(z.attr, "z_latest");
  const Qml st = parse_qml(rows.at("stops").qml);
  EXPECT_EQ(st.renderer_type, "singleSymbol");
  EXPECT_EQ(st.label_field, "name");

  // The layers themselves read as before, and the styles table is an attribute table.
  GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayerByName("gistar")->GetFeatureCount(), 2);
  EXPECT_EQ(ds->GetLayerByName("layer_styles")->GetGeomType(), wkbNone);
}

TEST(LayerStyles, LegendsFollowTheRunLanguage) {
  const auto dir = test::temp_dir("layer_styles_en");
  const fs::path p = dir / "styled.gpkg";
  write_sample(p, "en");
  const auto rows = read_styles(p);
  const Qml em = parse_qml(rows.at("emerging").qml);
  EXPECT_NE(std::find(em.labels.begin(), em.labels.end(), "New hot spot"), em.labels.end());
  EXPECT_EQ(std::find(em.labels.begin(), em.labels.end(), "Ny brännpunkt"), em.labels.end());
}

}  // namespace
}  // namespace tryggve::io
