#include "tryggve/io/database.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <cpl_conv.h>
#include <fmt/format.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io {

namespace fs = std::filesystem;
using namespace detail;

namespace {

// The key of PostgreSQL's advisory lock that serialises workspace writers
// ("TRYG" in ASCII): one writer at a time per database, the others queue.
constexpr std::int64_t kPgLockKey = 0x54525947;

std::string hide_password(const std::string& target) {
  std::string s = target;
  // key=value form: password=...
  for (std::size_t p = s.find("password="); p != std::string::npos; p = s.find("password=", p + 1)) {
    const std::size_t b = p + 9;
    const std::size_t e = s.find(' ', b);
    s.replace(b, (e == std::string::npos ? s.size() : e) - b, "***");
  }
  // URI form: scheme://user:secret@host
  if (const auto sch = s.find("://"); sch != std::string::npos) {
    const auto at = s.find('@', sch);
    const auto colon = s.find(':', sch + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  }
  return s;
}

// GDAL's PostgreSQL driver takes "PG:<conninfo>"; libpq's conninfo may be a URI.
std::string gdal_target(const std::string& target) {
  if (target.rfind("PG:", 0) == 0) return target;
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0) return "PG:" + target;
  return target;
}

OGRFieldType ogr_field_type(FieldType t) {
  switch (t) {
    case FieldType::Int64: return OFTInteger64;
    case FieldType::Real: return OFTReal;
    case FieldType::String: return OFTString;
    case FieldType::DateTime: return OFTString;  // ISO 8601 text with its offset (see the header)
  }
  return OFTString;
}

FieldValue read_field(OGRFeature& f, int i) {
  if (!f.IsFieldSetAndNotNull(i)) return {};
  switch (f.GetFieldDefnRef(i)->GetType()) {
    case OFTInteger:
    case OFTInteger64: return static_cast<long long>(f.GetFieldAsInteger64(i));
    case OFTReal: return f.GetFieldAsDouble(i);
    default: return std::string(f.GetFieldAsString(i));
  }
}

void set_field(OGRFeature& f, int idx, const FieldValue& v, const std::string& where) {
  const auto& s = v.value();
  if (std::holds_alternative<std::monostate>(s)) {
    f.SetFieldNull(idx);
  } else if (const auto* i = std::get_if<std::int64_t>(&s)) {
    f.SetField(idx, static_cast<GIntBig>(*i));
  } else if (const auto* d = std::get_if<double>(&s)) {
    if (std::isfinite(*d)) f.SetField(idx, *d);
    else f.SetFieldNull(idx);  // NaN/inf have no SQL literal; the callers never store them on purpose
  } else if (const auto* t = std::get_if<std::string>(&s)) {
    f.SetField(idx, t->c_str());
  } else if (const auto* ts = std::get_if<Timestamp>(&s)) {
    f.SetField(idx, to_iso8601(*ts).c_str());
  } else {
    throw Error(ErrorCode::Internal, where, "unknown value type");
  }
}

}  // namespace

std::string DbRow::text(std::size_t i) const {
  if (i >= values.size()) return {};
  const auto& s = values[i].value();
  if (const auto* t = std::get_if<std::string>(&s)) return *t;
  if (const auto* n = std::get_if<std::int64_t>(&s)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&s)) return fmt::format("{}", *d);
  if (const auto* ts = std::get_if<Timestamp>(&s)) return to_iso8601(*ts);
  return {};
}

std::optional<std::int64_t> DbRow::integer(std::size_t i) const {
  if (i >= values.size()) return std::nullopt;
  const auto& s = values[i].value();
  if (const auto* n = std::get_if<std::int64_t>(&s)) return *n;
  if (const auto* d = std::get_if<double>(&s)) return static_cast<std::int64_t>(std::llround(*d));
  if (const auto* t = std::get_if<std::string>(&s)) {
    try {
      std::size_t used = 0;
      const long long v = std::stoll(*t, &used);
      if (used == t->size()) return v;
    } catch (...) {
    }
  }
  return std::nullopt;
}

std::optional<double> DbRow::real(std::size_t i) const {
  if (i >= values.size()) return std::nullopt;
  const auto& s = values[i].value();
  if (const auto* d = std::get_if<double>(&s)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&s)) return static_cast<double>(*n);
  if (const auto* t = std::get_if<std::string>(&s)) return parse_number(*t);
  return std::nullopt;
}

struct Database::Impl {
  GDALDatasetUniquePtr ds;
  // (table, columns) -> OGR field indices, so an insert does not look names up.
  std::map<std::string, std::vector<int>> field_index;
};

Database::Database() : impl_(std::make_unique<Impl>()) {}
Database::~Database() {
  if (in_tx_) {
    try {
      rollback();
    } catch (...) {
    }
  }
}

bool Database::is_postgres(const std::string& t) {
  return t.rfind("PG:", 0) == 0 || t.rfind("postgresql://", 0) == 0 || t.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Database> Database::open(const std::string& target) {
  ensure_gdal();
  std::unique_ptr<Database> db(new Database());
  db->name_ = hide_password(target);
  db->backend_ = is_postgres(target) ? DbBackend::PostgreSQL : DbBackend::GeoPackage;
  std::error_code ec;
  if (db->backend_ == DbBackend::GeoPackage && !fs::exists(target, ec))
    throw Error(ErrorCode::FileNotFound, target, "no such workspace (create one with 'tryggve workspace init')");
  const char* gpkg[] = {"GPKG", nullptr};
  const char* pg[] = {"PostgreSQL", nullptr};
  // Every table, not only those with a geometry column (actors, intakes, ...).
  const char* pg_oo[] = {"LIST_ALL_TABLES=YES", nullptr};
  GdalMessages msgs;
  const std::string gt = gdal_target(target);
  db->impl_->ds.reset(GDALDataset::Open(gt.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                        db->backend_ == DbBackend::PostgreSQL ? pg : gpkg,
                                        db->backend_ == DbBackend::PostgreSQL ? pg_oo : nullptr, nullptr));
  if (!db->impl_->ds)
    throw Error(ErrorCode::FileUnreadable, db->name_,
                fmt::format("cannot open as a {} workspace{}",
                            db->backend_ == DbBackend::PostgreSQL ? "PostgreSQL" : "GeoPackage",
                            msgs.last().empty() ? "" : ": " + msgs.last()));
  if (db->backend_ == DbBackend::GeoPackage) db->set_busy_timeout(db->busy_timeout_s_);
  return db;
}

std::unique_ptr<Database> Database::create(const std::string& target) {
  ensure_gdal();
  if (is_postgres(target)) {
    auto db = open(target);
    db->execute("CREATE EXTENSION IF NOT EXISTS postgis");
    return db;
  }
  std::error_code ec;
  if (fs::exists(target, ec))
    throw Error(ErrorCode::OutputFailed, target, "the file exists: a workspace is created once (choose a new path)");
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw Error(ErrorCode::Internal, target, "GDAL has no GPKG driver");
  GdalMessages msgs;
  std::unique_ptr<Database> db(new Database());
  db->name_ = target;
  db->backend_ = DbBackend::GeoPackage;
  db->impl_->ds.reset(drv->Create(target.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!db->impl_->ds) throw Error(ErrorCode::OutputFailed, target, "cannot create the GeoPackage: " + msgs.last());
  db->set_busy_timeout(db->busy_timeout_s_);
  return db;
}

void Database::set_busy_timeout(double seconds) {
  busy_timeout_s_ = seconds;
  if (backend_ != DbBackend::GeoPackage) return;
  OGRLayer* r = impl_->ds->ExecuteSQL(fmt::format("PRAGMA busy_timeout = {}", static_cast<long>(seconds * 1000)).c_str(),
                                      nullptr, nullptr);
  if (r) impl_->ds->ReleaseResultSet(r);
}

std::string Database::quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\0') continue;
    if (c == '\'') q += '\'';
    q += c;
  }
  return q + "'";
}

void Database::execute(const std::string& sql) {
  GdalMessages msgs;
  OGRLayer* r = impl_->ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (r) impl_->ds->ReleaseResultSet(r);
  if (!msgs.errors().empty())
    throw Error(ErrorCode::OutputFailed, name_, fmt::format("{} failed: {}", sql.substr(0, 120), msgs.errors().back()));
}

std::vector<DbRow> Database::query(const std::string& sql) {
  GdalMessages msgs;
  OGRLayer* r = impl_->ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  std::vector<DbRow> rows;
  if (r) {
    const int nf = r->GetLayerDefn()->GetFieldCount();
    r->ResetReading();
    for (OGRFeatureUniquePtr f(r->GetNextFeature()); f; f.reset(r->GetNextFeature())) {
      DbRow row;
      row.fid = f->GetFID();
      row.values.reserve(nf);
      for (int i = 0; i < nf; ++i) row.values.push_back(read_field(*f, i));
      row.geometry = from_ogr(f->GetGeometryRef());
      rows.push_back(std::move(row));
    }
    impl_->ds->ReleaseResultSet(r);
  }
  if (!msgs.errors().empty())
    throw Error(ErrorCode::FileUnreadable, name_, fmt::format("{} failed: {}", sql.substr(0, 120), msgs.errors().back()));
  return rows;
}

FieldValue Database::scalar(const std::string& sql) {
  auto rows = query(sql);
  if (rows.empty() || rows.front().values.empty()) return {};
  return rows.front().values.front();
}

bool Database::has_table(const std::string& name) {
  GdalMessages quiet;  // the PostgreSQL driver reports a missing table as an error
  return impl_->ds->GetLayerByName(name.c_str()) != nullptr;
}

std::vector<std::string> Database::tables() {
  std::vector<std::string> out;
  for (int i = 0; i < impl_->ds->GetLayerCount(); ++i) out.push_back(impl_->ds->GetLayer(i)->GetName());
  return out;
}

std::int64_t Database::count(const std::string& table, const std::string& where) {
  const auto v = scalar(fmt::format("SELECT COUNT(*) FROM {}{}", table, where.empty() ? "" : " WHERE " + where));
  DbRow r;
  r.values.push_back(v);
  return r.integer(0).value_or(0);
}

void Database::create_table(const std::string& name, GeometryKind kind, const std::vector<FieldDef>& fields,
                            const CrsContext& crs) {
  GdalMessages msgs;
  const char* opts[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES", nullptr};
  const char* opts_none[] = {"FID=fid", nullptr};
  OGRSpatialReference* srs = nullptr;
  if (kind != GeometryKind::None && crs.srs()) srs = crs.srs()->Clone();
  OGRLayer* l = impl_->ds->CreateLayer(name.c_str(), srs, ogr_type(kind),
                                       const_cast<char**>(kind == GeometryKind::None ? opts_none : opts));
  if (srs) srs->Release();
  if (!l) throw Error(ErrorCode::OutputFailed, name_, fmt::format("cannot create table {}: {}", name, msgs.last()));
  for (const auto& f : fields) {
    OGRFieldDefn d(f.name.c_str(), ogr_field_type(f.type));
    if (l->CreateField(&d) != OGRERR_NONE)
      throw Error(ErrorCode::OutputFailed, name_, fmt::format("cannot create {}.{}: {}", name, f.name, msgs.last()));
  }
}

void Database::create_index(const std::string& table, const std::string& columns, bool unique) {
  std::string idx = "idx_" + table + "_" + columns;
  for (char& c : idx)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  execute(fmt::format("CREATE {}INDEX IF NOT EXISTS {} ON {} ({})", unique ? "UNIQUE " : "", idx, table, columns));
}

std::int64_t Database::insert(const std::string& table, const std::vector<std::string>& columns,
                              const std::vector<FieldValue>& values, const Geometry& geometry, std::int64_t fid) {
  OGRLayer* l = impl_->ds->GetLayerByName(table.c_str());
  if (!l) throw Error(ErrorCode::Internal, name_, "no table " + table);
  std::string key = table;
  for (const auto& c : columns) key += '\x1f' + c;
  auto it = impl_->field_index.find(key);
  if (it == impl_->field_index.end()) {
    std::vector<int> idx;
    for (const auto& c : columns) {
      const int i = l->GetLayerDefn()->GetFieldIndex(c.c_str());
      if (i < 0) throw Error(ErrorCode::Internal, name_, fmt::format("table {} has no column {}", table, c));
      idx.push_back(i);
    }
    it = impl_->field_index.emplace(key, std::move(idx)).first;
  }
  OGRFeature f(l->GetLayerDefn());
  const std::string where = fmt::format("{} table {}", name_, table);
  for (std::size_t i = 0; i < columns.size() && i < values.size(); ++i) set_field(f, it->second[i], values[i], where);
  if (kind_of(geometry) != GeometryKind::None) f.SetGeometryDirectly(ogr_geometry(geometry));
  if (fid >= 0) f.SetFID(fid);
  GdalMessages msgs;
  if (l->CreateFeature(&f) != OGRERR_NONE)
    throw Error(ErrorCode::OutputFailed, where, "cannot insert a row: " + msgs.last());
  return f.GetFID();
}

std::vector<DbRow> Database::read(const std::string& table, const std::vector<std::string>& columns,
                                  const std::string& where) {
  OGRLayer* l = impl_->ds->GetLayerByName(table.c_str());
  if (!l) throw Error(ErrorCode::FileUnreadable, name_, "no table " + table + ": not a Tryggve workspace?");
  std::vector<int> idx;
  for (const auto& c : columns) {
    const int i = l->GetLayerDefn()->GetFieldIndex(c.c_str());
    if (i < 0) throw Error(ErrorCode::FileUnreadable, name_, fmt::format("table {} has no column {}", table, c));
    idx.push_back(i);
  }
  GdalMessages msgs;
  if (l->SetAttributeFilter(where.empty() ? nullptr : where.c_str()) != OGRERR_NONE)
    throw Error(ErrorCode::Internal, name_, fmt::format("bad condition on {}: {}: {}", table, where, msgs.last()));
  std::vector<DbRow> rows;
  l->ResetReading();
  for (OGRFeatureUniquePtr f(l->GetNextFeature()); f; f.reset(l->GetNextFeature())) {
    DbRow r;
    r.fid = f->GetFID();
    for (int i : idx) r.values.push_back(read_field(*f, i));
    r.geometry = from_ogr(f->GetGeometryRef());
    rows.push_back(std::move(r));
  }
  l->SetAttributeFilter(nullptr);
  if (!msgs.errors().empty())
    throw Error(ErrorCode::FileUnreadable, name_, fmt::format("reading {} failed: {}", table, msgs.errors().back()));
  std::sort(rows.begin(), rows.end(), [](const DbRow& a, const DbRow& b) { return a.fid < b.fid; });
  return rows;
}

void Database::begin() {
  if (in_tx_) throw Error(ErrorCode::Internal, name_, "a transaction is already open");
  GdalMessages msgs;
  if (impl_->ds->StartTransaction() != OGRERR_NONE)
    throw Error(ErrorCode::OutputFailed, name_, "cannot start a transaction: " + msgs.last());
  in_tx_ = true;
  try {
    if (backend_ == DbBackend::PostgreSQL) {
      query(fmt::format("SELECT pg_advisory_xact_lock({})", kPgLockKey));
    } else {
      // A write that changes nothing takes SQLite's write lock now, waiting up
      // to the busy timeout for another writer, rather than failing later when
      // a read-then-write transaction would have to upgrade its lock.
      execute("DELETE FROM gpkg_contents WHERE 0 = 1");
    }
  } catch (const Error& e) {
    rollback();
    throw Error(ErrorCode::OutputFailed, name_,
                fmt::format("another process is writing to this workspace and did not finish within {:.0f} s: {}",
                            busy_timeout_s_, e.message()));
  }
}

void Database::commit() {
  if (!in_tx_) throw Error(ErrorCode::Internal, name_, "commit without a transaction");
  GdalMessages msgs;
  in_tx_ = false;
  if (impl_->ds->CommitTransaction() != OGRERR_NONE)
    throw Error(ErrorCode::OutputFailed, name_, "cannot commit: " + msgs.last());
}

void Database::rollback() {
  if (!in_tx_) return;
  in_tx_ = false;
  GdalMessages msgs;
  impl_->ds->RollbackTransaction();
}

}  // namespace tryggve::io
