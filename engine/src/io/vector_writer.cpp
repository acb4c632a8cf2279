#include "tryggve/io/vector_writer.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <unordered_map>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "layer_styles.hpp"
#include "gpkg_rows.hpp"
#include "gpkg_rtree.hpp"
#include "ogr_util.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::io {

namespace fs = std::filesystem;

// One output file: its temporary and the open dataset. The dataset is declared
// after the AtomicOutput so it is closed before the temporary is removed.
struct VectorWriter::Part {
  explicit Part(fs::path final_path) : out(std::move(final_path)) {}
  AtomicOutput out;
  GDALDatasetUniquePtr ds;
  // Per layer: one feature reused row after row (or, for a GeoPackage layer
  // that fits, rows bound straight into SQLite), and for a GeoPackage the index
  // packed at commit(). Declared after `ds`, so the statements are finalised
  // before GDAL closes its connection.
  struct LayerState {
    std::unique_ptr<OGRFeature> feature;
    std::unique_ptr<detail::DirectRows> rows;
    std::unique_ptr<detail::DeferredRtree> rtree;
  };
  std::unordered_map<const Layer*, LayerState> layers;
  bool in_tx = false;
  std::size_t pending = 0;

  void begin() {
    if (!in_tx && ds->StartTransaction() == OGRERR_NONE) in_tx = true;
  }
  void end() {
    if (in_tx) {
      GdalMessages msgs;
      const bool ok = ds->CommitTransaction() == OGRERR_NONE;
      in_tx = false;
      pending = 0;
      if (!ok) throw Error(ErrorCode::OutputFailed, out.final_path().string(), "cannot write: " + msgs.last());
    }
  }
};

namespace {

struct Format {
  const char* driver;
  bool multi_layer;
};

Format format_for(const fs::path& p) {
  const std::string ext = ascii_lower(p.extension().string());
  if (ext == ".gpkg") return {"GPKG", true};
  if (ext == ".geojson" || ext == ".json") return {"GeoJSON", false};
  if (ext == ".fgb") return {"FlatGeobuf", false};
  if (ext == ".csv") return {"CSV", false};
  if (ext == ".xlsx") return {"XLSX", true};  // sheets of attributes, no geometry (what an office sends)
  if (ext == ".ods") return {"ODS", true};    // the same from LibreOffice
  throw Error(ErrorCode::OutputFailed, p.string(),
              fmt::format("unknown output format '{}': use .gpkg, .geojson, .fgb, .csv, .xlsx or .ods", ext));
}

}  // namespace

namespace {
// Rows per transaction. The temporary has no journal, so a transaction costs
// only the dirty pages SQLite holds until it commits.
constexpr std::size_t kRowsPerTransaction = 200000;

// GDAL reads OGR_CURRENT_DATE when it stamps a GeoPackage's contents table.
void pin_timestamp(bool on) {
  CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", on ? "2000-01-01T00:00:00.000Z" : nullptr);
}
}  // namespace

VectorWriter::VectorWriter(fs::path path, const CrsContext& crs, Options options)
    : path_(std::move(path)), fixed_timestamp_(options.fixed_timestamp), lang_(options.lang) {
  ensure_gdal();
  const Format f = format_for(path_);
  driver_ = f.driver;
  multi_layer_ = f.multi_layer;
  if (!GetGDALDriverManager()->GetDriverByName(f.driver))
    throw Error(ErrorCode::OutputFailed, path_.string(), fmt::format("GDAL has no {} driver", f.driver));
  if (crs.srs()) {
    srs_ = crs.srs()->Clone();
    srs_->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  }
}

VectorWriter::~VectorWriter() {
  layers_.clear();
  parts_.clear();  // closes datasets, then removes the temporaries unless committed
  if (srs_) srs_->Release();
  if (fixed_timestamp_) pin_timestamp(false);
}

VectorWriter::Part& VectorWriter::part_for(const std::string& layer) {
  if (multi_layer_ && !parts_.empty()) return *parts_.front();
  if (fixed_timestamp_) pin_timestamp(true);
  fs::path final_path = path_;
  if (!parts_.empty()) final_path = path_.parent_path() / (path_.stem().string() + "." + layer + path_.extension().string());
  auto part = std::make_unique<Part>(final_path);
  GdalMessages msgs;
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver_.c_str());
  // The temporary needs no rollback journal and no syncs: a failed run removes
  // it, and commit() fsyncs it once before the rename. GDAL reads these when it
  // opens the SQLite database, so they apply to this file only.
  const bool sqlite = driver_ == "GPKG";
  if (sqlite) {
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    CPLSetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", "OFF");
  }
  part->ds.reset(drv->Create(part->out.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (sqlite) {
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", nullptr);
    CPLSetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", nullptr);
  }
  if (!part->ds)
    throw Error(ErrorCode::OutputFailed, final_path.string(), "cannot create the output: " + msgs.last());
  if (sqlite) detail::tune_temporary(*part->ds);
  parts_.push_back(std::move(part));
  return *parts_.back();
}

VectorWriter::Layer& VectorWriter::add_layer(const std::string& name, GeometryKind kind, std::vector<FieldDef> fields) {
  if (committed_) throw Error(ErrorCode::Internal, path_.string(), "add_layer() after commit()");
  for (const auto& l : layers_)
    if (l->name_ == name) throw Error(ErrorCode::Internal, path_.string(), "layer '" + name + "' added twice");
  if ((driver_ == "XLSX" || driver_ == "ODS") && kind != GeometryKind::None)
    throw Error(ErrorCode::Internal, path_.string(), "layer '" + name + "': a spreadsheet holds no geometry");
  Part& part = part_for(name);
  part.end();  // GeoPackage layers are created outside a transaction

  std::vector<std::string> opts;
  // The GeoPackage index is made on the empty table and packed at commit().
  const bool deferred_index = driver_ == "GPKG" && kind != GeometryKind::None;
  if (driver_ == "GPKG") opts = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=NO"};
  if (driver_ == "CSV" && kind != GeometryKind::None) opts = {"GEOMETRY=AS_WKT", "CREATE_CSVT=YES"};
  if (driver_ == "FlatGeobuf") opts = {"SPATIAL_INDEX=YES"};
  if (driver_ == "GeoJSON") opts = {"WRITE_BBOX=YES"};
  std::vector<const char*> copts;
  for (const auto& o : opts) copts.push_back(o.c_str());
  copts.push_back(nullptr);

  GdalMessages msgs;
  const std::string where = fmt::format("{} layer {}", path_.string(), name);
  OGRLayer* ol = part.ds->CreateLayer(name.c_str(), kind == GeometryKind::None ? nullptr : srs_, detail::ogr_type(kind),
                                      const_cast<char**>(copts.data()));
  if (!ol) throw Error(ErrorCode::OutputFailed, where, "cannot create the layer: " + msgs.last());

  auto layer = std::unique_ptr<Layer>(new Layer());
  layer->part_ = &part;
  layer->layer_ = ol;
  layer->name_ = name;
  layer->kind_ = kind;
  for (const auto& fd : fields) {
    OGRFieldType t = OFTString;
    switch (fd.type) {
      case FieldType::Int64: t = OFTInteger64; break;
      case FieldType::Real: t = OFTReal; break;
      case FieldType::String: t = OFTString; break;
      // CSV's DateTime text is not ISO 8601; write ISO text there.
      case FieldType::DateTime: t = driver_ == "CSV" ? OFTString : OFTDateTime; break;
      case FieldType::Date: t = driver_ == "CSV" ? OFTString : OFTDate; break;
    }
    OGRFieldDefn def(fd.name.c_str(), t);
    if (ol->CreateField(&def) != OGRERR_NONE)
      throw Error(ErrorCode::OutputFailed, where, fmt::format("cannot create field '{}': {}", fd.name, msgs.last()));
    layer->index_.push_back(ol->GetLayerDefn()->GetFieldIndex(fd.name.c_str()));
  }
  if (driver_ == "GPKG" && kind != GeometryKind::None) layer->style_field_ = styles::graduated_field(fields);
  auto& state = part.layers[layer.get()];
  if (driver_ == "GPKG" && detail::direct_rows_fit(kind, fields))
    state.rows = std::make_unique<detail::DirectRows>(*part.ds, *ol, name, kind, fields, where);
  if (deferred_index) state.rtree = std::make_unique<detail::DeferredRtree>(*part.ds, name, "geom", where);
  state.feature = std::make_unique<OGRFeature>(ol->GetLayerDefn());
  layer->fields_ = std::move(fields);
  layers_.push_back(std::move(layer));
  return *layers_.back();
}

void VectorWriter::Layer::add(const std::vector<FieldValue>& values, const Geometry& geometry) {
  const auto where = [&] { return fmt::format("{} layer {} feature {}", part_->out.final_path().string(), name_, count_ + 1); };
  if (values.size() > fields_.size())
    throw Error(ErrorCode::OutputFailed, where(), fmt::format("{} values for {} fields", values.size(), fields_.size()));
  const GeometryKind gk = detail::kind_of(geometry);
  if (gk != GeometryKind::None && gk != kind_)
    throw Error(ErrorCode::OutputFailed, where(),
                fmt::format("a {} geometry in a {} layer", detail::kind_name(gk), detail::kind_name(kind_)));
  auto& state = part_->layers.at(this);
  if (state.rows) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const FieldType ft = fields_[i].type;
      bool fits = true;
      switch (values[i].value().index()) {
        case 1: fits = ft == FieldType::Int64 || ft == FieldType::Real || ft == FieldType::String; break;
        case 2: fits = ft == FieldType::Real; break;
        case 3: fits = ft == FieldType::String; break;
        case 4: fits = ft == FieldType::DateTime; break;
        default: break;
      }
      if (!fits)
        throw Error(ErrorCode::OutputFailed, where(), fmt::format("field '{}': value of the wrong type", fields_[i].name));
    }
    collect_style_value(values);
    part_->begin();
    std::int64_t fid = 0;
    if (!state.rows->insert(values, geometry, fid))
      throw Error(ErrorCode::OutputFailed, where(), "cannot write the feature: " + state.rows->error());
    if (state.rtree) {
      detail::RtreeEntry e;
      if (detail::rtree_entry(fid, geometry, e)) state.rtree->add(e);
    }
    ++count_;
    if (++part_->pending >= kRowsPerTransaction) part_->end();
    return;
  }
  OGRFeature& feat = *state.feature;
  feat.SetFID(OGRNullFID);
  for (std::size_t i = values.size(); i < fields_.size(); ++i) feat.UnsetField(index_[i]);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int idx = index_[i];
    const auto& v = values[i].value();
    const FieldType ft = fields_[i].type;
    auto mismatch = [&] {
      return Error(ErrorCode::OutputFailed, where(), fmt::format("field '{}': value of the wrong type", fields_[i].name));
    };
    switch (v.index()) {
      case 0: feat.SetFieldNull(idx); break;
      case 1: {
        const auto x = std::get<std::int64_t>(v);
        if (ft == FieldType::Int64) feat.SetField(idx, static_cast<GIntBig>(x));
        else if (ft == FieldType::Real) feat.SetField(idx, static_cast<double>(x));
        else if (ft == FieldType::String) feat.SetField(idx, std::to_string(x).c_str());
        else throw mismatch();
        break;
      }
      case 2: {
        const double x = std::get<double>(v);
        if (ft == FieldType::Real) {
          if (std::isfinite(x)) feat.SetField(idx, x);
          else feat.SetFieldNull(idx);  // NaN is not a value GeoPackage readers agree on
        } else throw mismatch();
        break;
      }
      case 3:
        if (ft != FieldType::String && ft != FieldType::Date) throw mismatch();
        feat.SetField(idx, std::get<std::string>(v).c_str());
        break;
      case 4: {
        if (ft != FieldType::DateTime) throw mismatch();
        const Timestamp ts = std::get<Timestamp>(v);
        if (feat.GetFieldDefnRef(idx)->GetType() == OFTString) {
          feat.SetField(idx, to_iso8601(ts).c_str());
        } else {
          const LocalTime lt = to_local(ts);
          // OGR's TZFlag: 100 = UTC, each step 15 minutes east.
          feat.SetField(idx, lt.year, lt.month, lt.day, lt.hour, lt.minute, static_cast<float>(lt.second),
                        100 + ts.utc_offset_s / 900);
        }
        break;
      }
    }
  }
  collect_style_value(values);
  feat.SetGeometryDirectly(gk != GeometryKind::None ? detail::ogr_geometry(geometry) : nullptr);
  part_->begin();
  GdalMessages msgs;
  if (layer_->CreateFeature(&feat) != OGRERR_NONE)
    throw Error(ErrorCode::OutputFailed, where(), "cannot write the feature: " + msgs.last());
  if (state.rtree) {
    detail::RtreeEntry e;
    if (detail::rtree_entry(feat.GetFID(), geometry, e)) state.rtree->add(e);
  }
  ++count_;
  if (++part_->pending >= kRowsPerTransaction) part_->end();
}

void VectorWriter::Layer::collect_style_value(const std::vector<FieldValue>& values) {
  if (style_field_ >= 0 && static_cast<std::size_t>(style_field_) < values.size()) {
    const auto& v = values[static_cast<std::size_t>(style_field_)].value();
    if (v.index() == 1) style_values_.push_back(static_cast<double>(std::get<std::int64_t>(v)));
    else if (v.index() == 2) style_values_.push_back(std::get<double>(v));
  }
}

void VectorWriter::commit() {
  if (committed_) return;
  if (fixed_timestamp_) pin_timestamp(true);
  if (driver_ == "GPKG" && !parts_.empty()) {
    std::vector<styles::LayerStyle> st;
    for (const auto& l : layers_)
      if (l->kind_ != GeometryKind::None)
        st.push_back(styles::style_for(l->name_, l->kind_, l->fields_, std::move(l->style_values_), lang_));
    Part& p = *parts_.front();
    p.end();  // a GeoPackage layer is created outside a transaction
    styles::write_layer_styles(*p.ds, st, fixed_timestamp_ ? "2000-01-01T00:00:00Z" : to_iso8601(Timestamp{static_cast<std::int64_t>(std::time(nullptr)), 0}),
                               p.out.final_path().string());
  }
  for (auto& p : parts_) {
    GdalMessages msgs;
    p->end();
    // In the order the layers were added, so the file is the same on every run.
    std::vector<detail::RowsSummary> direct;
    for (const auto& l : layers_)
      if (l->part_ == p.get()) {
        auto& st = p->layers.at(l.get());
        if (st.rtree) st.rtree->finish(*p->ds);
        if (st.rows) direct.push_back(st.rows->summary());
        st.rows.reset();  // its statement finalised: GDAL closes the connection next
      }
    p->ds->FlushCache();
    p->ds.reset();  // closes: builds the spatial index, writes the FlatGeobuf header
    if (!msgs.errors().empty())
      throw Error(ErrorCode::OutputFailed, p->out.final_path().string(), "cannot finish writing: " + msgs.errors().back());
    detail::finish_rows(p->out.temp_path(), direct, p->out.final_path().string());
  }
  if (parts_.empty()) throw Error(ErrorCode::OutputFailed, path_.string(), "no layer was written");
  layers_.clear();
  for (auto& p : parts_) p->out.commit();
  committed_ = true;
  if (fixed_timestamp_) pin_timestamp(false);
}

std::vector<fs::path> VectorWriter::outputs() const {
  std::vector<fs::path> v;
  for (const auto& p : parts_) v.push_back(p->out.final_path());
  return v;
}

// ---- Convenience writers ----------------------------------------------------

namespace {
const char* lit_text(Lit l) { return l == Lit::Yes ? "yes" : l == Lit::No ? "no" : ""; }
}  // namespace

VectorWriter::Layer& write_edges(VectorWriter& out, const network::Network& net, const std::string& name) {
  auto& l = out.add_layer(name, GeometryKind::Line,
                          {{"edge_id", FieldType::Int64},
                           {"from_vertex", FieldType::Int64},
                           {"to_vertex", FieldType::Int64},
                           {"length_m", FieldType::Real},
                           {"name", FieldType::String},
                           {"highway", FieldType::String},
                           {"lit", FieldType::String},
                           {"tunnel", FieldType::Int64},
                           {"component", FieldType::Int64},
                           {"source_id", FieldType::Int64}});
  for (std::size_t e = 0; e < net.edge_count(); ++e) {
    const auto& ed = net.edge(static_cast<network::EdgeId>(e));
    l.add({e, ed.from, ed.to, ed.length, ed.name, ed.highway,
           lit_text(ed.lit), ed.tunnel, ed.component, ed.source_id},
          ed.geometry);
  }
  return l;
}

VectorWriter::Layer& write_lixels(VectorWriter& out, const network::Network& net, const network::Lixelization& lix,
                                  const std::string& name) {
  auto& l = out.add_layer(name, GeometryKind::Line,
                          {{"lixel_id", FieldType::Int64},
                           {"edge_id", FieldType::Int64},
                           {"start_m", FieldType::Real},
                           {"end_m", FieldType::Real},
                           {"length_m", FieldType::Real}});
  for (std::size_t i = 0; i < lix.size(); ++i) {
    const auto& x = lix[static_cast<network::LixelId>(i)];
    l.add({i, x.edge, x.start, x.end, x.length()}, substring(net.edge(x.edge).geometry, x.start, x.end));
  }
  return l;
}

VectorWriter::Layer& write_polygons(VectorWriter& out, const std::string& name, const std::vector<PolygonFeature>& items) {
  auto& l = out.add_layer(name, GeometryKind::Polygon,
                          {{"source_id", FieldType::Int64},
                           {"name", FieldType::String},
                           {"kind", FieldType::String},
                           {"population", FieldType::Real},
                           {"area_m2", FieldType::Real}});
  for (const auto& p : items)
    l.add({p.source_id, p.name, p.kind, p.population >= 0 ? FieldValue(p.population) : FieldValue(), area(p.geometry)},
          p.geometry);
  return l;
}

VectorWriter::Layer& write_points(VectorWriter& out, const std::string& name, const std::vector<PointFeature>& items) {
  auto& l = out.add_layer(name, GeometryKind::Point,
                          {{"source_id", FieldType::Int64},
                           {"name", FieldType::String},
                           {"kind", FieldType::String},
                           {"radius_m", FieldType::Real}});
  for (const auto& p : items)
    l.add({p.source_id, p.name, p.kind, p.radius_m >= 0 ? FieldValue(p.radius_m) : FieldValue()}, p.pos);
  return l;
}

VectorWriter::Layer& write_streets(VectorWriter& out, const std::string& name, const std::vector<StreetLine>& items) {
  auto& l = out.add_layer(name, GeometryKind::Line,
                          {{"source_id", FieldType::Int64},
                           {"name", FieldType::String},
                           {"highway", FieldType::String},
                           {"lit", FieldType::String},
                           {"tunnel", FieldType::Int64},
                           {"bridge", FieldType::Int64}});
  for (const auto& s : items)
    l.add({s.source_id, s.name, s.highway, lit_text(s.lit), s.tunnel, s.bridge}, s.geometry);
  return l;
}

}  // namespace tryggve::io
