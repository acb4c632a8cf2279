#include "tryggve/core/json_text.hpp"
#include "tryggve/io/layers.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace fs = std::filesystem;

namespace tryggve::io {
namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr open_vector(const fs::path& file, bool quiet) {
  ensure_gdal();
  GdalMessages msgs;
  auto* ds = static_cast<GDALDataset*>(
      GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds && !quiet) log::warn("{}: cannot open: {}", file.string(), msgs.last());
  return DatasetPtr(ds);
}

const char* field_type_name(OGRFieldType t) {
  switch (t) {
    case OFTInteger:
    case OFTInteger64: return "Integer";
    case OFTReal: return "Real";
    case OFTDateTime:
    case OFTDate:
    case OFTTime: return "DateTime";
    default: return "String";
  }
}

std::unique_ptr<OGRSpatialReference> wgs84() {
  auto s = std::make_unique<OGRSpatialReference>();
  s->importFromEPSG(4326);
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

struct CtDeleter {
  void operator()(OGRCoordinateTransformation* c) const { OGRCoordinateTransformation::DestroyCT(c); }
};
using CtPtr = std::unique_ptr<OGRCoordinateTransformation, CtDeleter>;

// A transformation from the layer's CRS to WGS84; null when the layer has no CRS
// (a local run: coordinates are not geographic, and the viewer is told so) or
// already is WGS84.
CtPtr ct_to_wgs84(OGRLayer* layer, bool* has_crs) {
  const OGRSpatialReference* src = layer->GetSpatialRef();
  *has_crs = src != nullptr;
  if (!src) return nullptr;
  OGRSpatialReference s(*src);
  s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  auto dst = wgs84();
  if (s.IsSame(dst.get())) return nullptr;
  return CtPtr(OGRCreateCoordinateTransformation(&s, dst.get()));
}

bool active(const FieldCondition& c) { return !c.at_least.empty() || !c.at_most.empty() || !c.any_of.empty(); }

std::string quoted(const std::string& v) {
  std::string q = "'";
  for (char ch : v) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

// OGR SQL for the conditions, in their order.
std::string attribute_filter(const std::vector<FieldCondition>& conditions) {
  std::vector<std::string> parts;
  for (const auto& c : conditions) {
    if (!c.at_least.empty()) parts.push_back(fmt::format("{} >= {}", c.field, quoted(c.at_least)));
    if (!c.at_most.empty()) parts.push_back(fmt::format("{} <= {}", c.field, quoted(c.at_most)));
    if (!c.any_of.empty()) {
      std::string in;
      for (const auto& v : c.any_of) in += (in.empty() ? "" : ",") + quoted(v);
      parts.push_back(c.field + " IN (" + in + ")");
    }
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " AND ") + p;
  return out;
}

// Applies the conditions and the box to an open layer.
void apply_query(OGRLayer* layer, const std::string& name, const LayerQuery& q) {
  std::vector<FieldCondition> used;
  for (const auto& c : q.conditions) {
    if (!active(c)) continue;
    if (layer->GetLayerDefn()->GetFieldIndex(c.field.c_str()) < 0)
      throw Error(ErrorCode::BadOption, c.where, fmt::format("layer {} has no {} field", name, c.field));
    used.push_back(c);
  }
  if (!used.empty()) {
    const std::string sql = attribute_filter(used);
    if (layer->SetAttributeFilter(sql.c_str()) != OGRERR_NONE)
      throw Error(ErrorCode::Internal, name, "attribute filter refused: " + sql);
  }
  if (q.bbox_wgs84) {
    const auto& b = *q.bbox_wgs84;
    bool has_crs = false;
    auto ct = ct_to_wgs84(layer, &has_crs);
    if (!has_crs || !ct) {
      layer->SetSpatialFilterRect(b[0], b[1], b[2], b[3]);
    } else {
      // The box's corners and edge midpoints into the layer's CRS: a lon/lat box
      // is not a box in a projected CRS, so take the envelope of a densified outline.
      OGRSpatialReference s(*layer->GetSpatialRef());
      s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      CtPtr back(OGRCreateCoordinateTransformation(wgs84().get(), &s));
      double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
      for (int i = 0; i <= 8; ++i) {
        for (int j = 0; j <= 8; ++j) {
          if (i != 0 && i != 8 && j != 0 && j != 8) continue;
          double x = b[0] + (b[2] - b[0]) * i / 8.0, y = b[1] + (b[3] - b[1]) * j / 8.0;
          if (!back || !back->Transform(1, &x, &y)) continue;
          minx = std::min(minx, x), maxx = std::max(maxx, x), miny = std::min(miny, y), maxy = std::max(maxy, y);
        }
      }
      if (minx > maxx) minx = maxx = miny = maxy = 0;  // nothing transformable: an empty result
      layer->SetSpatialFilterRect(minx, miny, maxx, maxy);
    }
  }
}

nlohmann::json field_json(OGRFeature* f, int i) {
  if (!f->IsFieldSetAndNotNull(i)) return nullptr;
  OGRFieldDefn* d = f->GetFieldDefnRef(i);
  switch (d->GetType()) {
    case OFTInteger:
    case OFTInteger64: return f->GetFieldAsInteger64(i);
    case OFTReal: {
      const double v = f->GetFieldAsDouble(i);
      if (!std::isfinite(v)) return nullptr;
      return v;
    }
    default: return f->GetFieldAsString(i);
  }
}

}  // namespace

std::vector<LayerSummary> describe_layers(const fs::path& file, const std::vector<std::string>& layers) {
  std::vector<LayerSummary> out;
  std::error_code ec;
  if (!fs::exists(file, ec)) return out;
  DatasetPtr ds = open_vector(file, false);
  if (!ds) return out;
  for (const auto& name : layers) {
    OGRLayer* layer = ds->GetLayerByName(name.c_str());
    if (!layer) continue;
    LayerSummary li;
    li.layer = name;
    li.geometry = OGRGeometryTypeToName(wkbFlatten(layer->GetGeomType()));
    li.features = layer->GetFeatureCount(TRUE);
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
      li.fields.emplace_back(d->GetFieldDefn(i)->GetNameRef(), field_type_name(d->GetFieldDefn(i)->GetType()));
    out.push_back(std::move(li));
  }
  return out;
}

std::string layer_geojson(const fs::path& file, const std::string& layer_name, const std::string& name,
                          const LayerQuery& q) {
  DatasetPtr ds = open_vector(file, false);
  if (!ds) throw Error(ErrorCode::FileUnreadable, file.string(), "cannot be opened");
  OGRLayer* layer = ds->GetLayerByName(layer_name.c_str());
  if (!layer) throw Error(ErrorCode::LayerNotFound, file.string(), "layer " + layer_name + " vanished");
  apply_query(layer, name, q);
  bool has_crs = false;
  CtPtr ct = ct_to_wgs84(layer, &has_crs);

  std::string body;
  body.reserve(1 << 20);
  body += R"({"type":"FeatureCollection","name":)" + json_text(nlohmann::json(name));
  body += R"(,"crs_note":)" + nlohmann::json(has_crs ? "EPSG:4326 (lon, lat)" : "local coordinates (no CRS)").dump();
  body += R"(,"features":[)";
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int nf = defn->GetFieldCount();
  std::vector<std::string> names;
  std::vector<int> wanted;
  for (int i = 0; i < nf; ++i) names.push_back(defn->GetFieldDefn(i)->GetNameRef());
  if (q.fields.empty()) {
    for (int i = 0; i < nf; ++i) wanted.push_back(i);
  } else {
    for (const auto& x : q.fields) {
      const int i = defn->GetFieldIndex(x.c_str());
      if (i < 0) throw Error(ErrorCode::BadOption, q.fields_where, fmt::format("layer {} has no field '{}'", name, x));
      wanted.push_back(i);
    }
  }
  char** opts = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", "7");
  std::int64_t n = 0, skipped = 0;
  layer->ResetReading();
  for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    if (q.limit > 0 && n >= q.limit) break;
    nlohmann::json props = nlohmann::json::object();
    for (int i : wanted) props[names[i]] = field_json(f.get(), i);
    std::string geom = "null";
    if (OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
      if (ct && g->transform(ct.get()) != OGRERR_NONE) {
        ++skipped;  // outside the projection's domain: cannot be drawn, counted below
        continue;
      }
      char* js = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g), opts);
      if (js) geom = js;
      CPLFree(js);
    }
    if (n > 0) body += ',';
    body += R"({"type":"Feature","id":)" + std::to_string(f->GetFID()) + R"(,"geometry":)" + geom +
            R"(,"properties":)" + props.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}";
    ++n;
  }
  CSLDestroy(opts);
  body += fmt::format(R"(],"count":{},"not_transformable":{}}})", n, skipped);
  return body;
}

void export_layers(const std::vector<LayerCopy>& layers, const fs::path& out) {
  ensure_gdal();
  GdalMessages msgs;
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw Error(ErrorCode::OutputFailed, out.string(), "GDAL has no GPKG driver");
  AtomicOutput atomic(out);
  {
    DatasetPtr dst(drv->Create(atomic.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dst) throw Error(ErrorCode::OutputFailed, out.string(), "cannot create: " + msgs.last());
    for (const auto& c : layers) {
      DatasetPtr src = open_vector(c.file, false);
      if (!src) throw Error(ErrorCode::FileUnreadable, c.file.string(), "cannot be opened");
      OGRLayer* layer = src->GetLayerByName(c.layer.c_str());
      if (!layer) throw Error(ErrorCode::LayerNotFound, c.file.string(), "layer " + c.layer + " vanished");
      apply_query(layer, c.name, c.query);
      char** lopts = CSLSetNameValue(nullptr, "SPATIAL_INDEX", "YES");
      OGRLayer* copy = dst->CopyLayer(layer, c.name.c_str(), lopts);
      CSLDestroy(lopts);
      if (!copy) throw Error(ErrorCode::OutputFailed, out.string(), "cannot copy layer " + c.name + ": " + msgs.last());
    }
  }
  atomic.commit();
}

std::vector<std::vector<std::string>> query_rows(const fs::path& file, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  DatasetPtr ds = open_vector(file, false);
  if (!ds) return rows;
  OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (!r) return rows;
  for (std::unique_ptr<OGRFeature> f(r->GetNextFeature()); f; f.reset(r->GetNextFeature())) {
    std::vector<std::string> row;
    for (int i = 0; i < f->GetFieldCount(); ++i) row.push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "");
    rows.push_back(std::move(row));
  }
  ds->ReleaseResultSet(r);
  return rows;
}

std::unique_ptr<Transform> layer_to_wgs84(const fs::path& file, const std::string& layer_name) {
  DatasetPtr ds = open_vector(file, true);
  if (!ds) return nullptr;
  OGRLayer* l = ds->GetLayerByName(layer_name.c_str());
  if (!l) return nullptr;
  bool has_crs = false;
  CtPtr ct = ct_to_wgs84(l, &has_crs);
  if (!ct) return nullptr;
  return std::make_unique<Transform>(std::unique_ptr<OGRCoordinateTransformation>(ct.release()), false);
}

struct LineReader::Impl {
  std::unique_ptr<OGRSpatialReference> srs;  // the common CRS, from the first layer read that has one
};

LineReader::LineReader() : impl_(std::make_unique<Impl>()) {}
LineReader::~LineReader() = default;

LineReader::Lines LineReader::read(const fs::path& file, const std::string& layer, const std::string& field) {
  Lines out;
  std::error_code ec;
  if (!fs::exists(file, ec)) return out;
  ensure_gdal();
  std::unique_ptr<GDALDataset> ds(
      static_cast<GDALDataset*>(GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
  if (!ds) return out;
  OGRLayer* l = ds->GetLayerByName(layer.c_str());
  if (!l) return out;
  const int fi = field.empty() ? -1 : l->GetLayerDefn()->GetFieldIndex(field.c_str());
  std::unique_ptr<OGRCoordinateTransformation> ct;
  if (l->GetSpatialRef()) {
    if (!impl_->srs) {
      impl_->srs.reset(l->GetSpatialRef()->Clone());
      impl_->srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    } else if (!l->GetSpatialRef()->IsSame(impl_->srs.get())) {
      OGRSpatialReference src(*l->GetSpatialRef());
      src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      ct.reset(OGRCreateCoordinateTransformation(&src, impl_->srs.get()));
    }
  }
  l->ResetReading();
  while (OGRFeature* f = l->GetNextFeature()) {
    OGRGeometry* g = f->GetGeometryRef();
    if (g && ct) g->transform(ct.get());
    if (g && wkbFlatten(g->getGeometryType()) == wkbLineString) {
      const auto* ls = g->toLineString();
      Polyline p;
      for (int i = 0; i < ls->getNumPoints(); ++i) p.push_back({ls->getX(i), ls->getY(i)});
      out.lines.push_back(std::move(p));
      out.value.push_back(fi >= 0 && f->IsFieldSetAndNotNull(fi) ? f->GetFieldAsDouble(fi) : 0.0);
    }
    OGRFeature::DestroyFeature(f);
  }
  return out;
}

}  // namespace tryggve::io
