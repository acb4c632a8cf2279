#include "gpkg_rows.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve::io::detail {

namespace {

std::string quoted_id(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

[[noreturn]] void fail(sqlite3* db, const std::string& where, const std::string& what) {
  throw Error(ErrorCode::OutputFailed, where, what + ": " + (db ? sqlite3_errmsg(db) : "no SQLite connection"));
}

// A statement run to its end, its first column's rows as text.
std::vector<std::string> texts(sqlite3* db, const std::string& sql, const std::string& arg, const std::string& where) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(db, where, "cannot read the GeoPackage");
  if (!arg.empty()) sqlite3_bind_text(st, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const auto* t = sqlite3_column_text(st, 0);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail(db, where, "cannot read the GeoPackage");
  return out;
}

void exec(sqlite3* db, const std::string& sql, const std::string& where) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error(ErrorCode::OutputFailed, where, "cannot write the GeoPackage: " + msg);
  }
}

constexpr bool kLittle = std::endian::native == std::endian::little;

template <class T>
void put(std::vector<unsigned char>& b, T v) {
  const auto at = b.size();
  b.resize(at + sizeof(T));
  std::memcpy(b.data() + at, &v, sizeof(T));
}

// "YYYY-MM-DDTHH:MM:SS.000" and "Z" or "+HH:MM", as GDAL's GeoPackage driver
// writes a DateTime with its time zone.
void time_text(std::string& s, const Timestamp& ts) {
  const LocalTime lt = to_local(ts);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000", lt.year, lt.month, lt.day, lt.hour,
                        lt.minute, lt.second);
  s.assign(buf, static_cast<std::size_t>(n));
  if (ts.utc_offset_s == 0) {
    s += 'Z';
  } else {
    // OGR keeps offsets in steps of 15 minutes (TZFlag).
    const int q = ts.utc_offset_s / 900;
    const int m = std::abs(q) * 15;
    n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", q < 0 ? '-' : '+', m / 60, m % 60);
    s.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

void tune_temporary(GDALDataset& ds) {
  auto* db = static_cast<sqlite3*>(ds.GetInternalHandle("SQLITE_HANDLE"));
  if (db) sqlite3_exec(db, "PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY", nullptr, nullptr, nullptr);
}

bool direct_rows_fit(GeometryKind kind, const std::vector<FieldDef>& fields) {
  if (kind != GeometryKind::Point && kind != GeometryKind::Line) return false;
  return std::all_of(fields.begin(), fields.end(), [](const FieldDef& f) { return f.type != FieldType::Date; });
}

DirectRows::DirectRows(GDALDataset& ds, OGRLayer& layer, const std::string& table, GeometryKind kind,
                       const std::vector<FieldDef>& fields, std::string where)
    : kind_(kind) {
  summary_.table = table;
  // GDAL creates a new table at its first feature or sync: now, so it exists
  // (with its GeoPackage rows and triggers) before the first INSERT of ours.
  if (layer.SyncToDisk() != OGRERR_NONE) throw Error(ErrorCode::OutputFailed, where, "cannot create the table");
  db_ = static_cast<sqlite3*>(ds.GetInternalHandle("SQLITE_HANDLE"));
  if (!db_) fail(db_, where, "cannot write the layer");
  const auto srs = texts(db_, "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", table, where);
  if (srs.size() != 1) throw Error(ErrorCode::OutputFailed, where, "GDAL registered no geometry column");
  srs_id_ = static_cast<std::int32_t>(std::stol(srs.front()));
  // The count triggers would run an UPDATE per row; finish_rows writes the
  // count once and puts them back.
  const std::string q_sql = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                      "('trigger_insert_feature_count_' || ?1, 'trigger_delete_feature_count_' || ?1) ORDER BY name";
  const std::string q_name = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN "
                       "('trigger_insert_feature_count_' || ?1, 'trigger_delete_feature_count_' || ?1) ORDER BY name";
  summary_.triggers = texts(db_, q_sql, table, where);
  for (const auto& name : texts(db_, q_name, table, where)) exec(db_, "DROP TRIGGER " + quoted_id(name), where);

  std::string cols = quoted_id(layer.GetGeometryColumn()), marks = "?";
  for (const auto& f : fields) {
    types_.push_back(f.type);
    cols += "," + quoted_id(f.name);
    marks += ",?";
  }
  const std::string sql = "INSERT INTO " + quoted_id(table) + " (" + cols + ") VALUES (" + marks + ")";
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) fail(db_, where, "cannot prepare the rows");
}

DirectRows::~DirectRows() { sqlite3_finalize(st_); }

std::string DirectRows::error() const { return sqlite3_errmsg(db_); }

bool DirectRows::insert(const std::vector<FieldValue>& values, const Geometry& g, std::int64_t& fid) {
  // Geometry: GeoPackage binary (spec 2.1.3): "GP", version 0, flags (byte
  // order; envelope [minx, maxx, miny, maxy] for lines, none for points, as GDAL
  // writes them), the SRS id, then WKB.
  const Point* pt = std::get_if<Point>(&g);
  const Polyline* line = std::get_if<Polyline>(&g);
  if (pt || line) {
    blob_.clear();
    blob_.push_back('G');
    blob_.push_back('P');
    blob_.push_back(0);
    const unsigned char order = kLittle ? 1 : 0;
    Envelope box;
    if (pt) {
      box.expand(*pt);
      blob_.push_back(order);
      put(blob_, srs_id_);
      blob_.push_back(order);
      put(blob_, std::uint32_t{1});
      put(blob_, pt->x);
      put(blob_, pt->y);
    } else {
      box = envelope(*line);
      const bool empty = line->empty();
      blob_.push_back(static_cast<unsigned char>(order | (empty ? 0x10 : 0x02)));
      put(blob_, srs_id_);
      if (!empty) {
        put(blob_, box.min_x);
        put(blob_, box.max_x);
        put(blob_, box.min_y);
        put(blob_, box.max_y);
      }
      blob_.push_back(order);
      put(blob_, std::uint32_t{2});
      put(blob_, static_cast<std::uint32_t>(line->size()));
      for (const auto& p : *line) {
        put(blob_, p.x);
        put(blob_, p.y);
      }
    }
    if (!box.empty()) summary_.extent.expand(box);
    sqlite3_bind_blob(st_, 1, blob_.data(), static_cast<int>(blob_.size()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st_, 1);
  }
  // Values by index; the caller checked each against its field's type. Text is
  // bound without a copy: `values` outlives the step.
  for (std::size_t i = 0; i < types_.size(); ++i) {
    const int k = static_cast<int>(i) + 2;
    if (i >= values.size()) {
      sqlite3_bind_null(st_, k);
      continue;
    }
    const auto& v = values[i].value();
    const FieldType ft = types_[i];
    switch (v.index()) {
      case 1: {
        const auto x = std::get<std::int64_t>(v);
        if (ft == FieldType::Real) sqlite3_bind_double(st_, k, static_cast<double>(x));
        else if (ft == FieldType::String) {
          const std::string t = std::to_string(x);
          sqlite3_bind_text(st_, k, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
        } else sqlite3_bind_int64(st_, k, x);
        break;
      }
      case 2: {
        const double x = std::get<double>(v);
        if (std::isfinite(x)) sqlite3_bind_double(st_, k, x);
        else sqlite3_bind_null(st_, k);  // NaN is not a value GeoPackage readers agree on
        break;
      }
      case 3:
        // Up to the first NUL, as GDAL's SetField(const char*) took it.
        sqlite3_bind_text(st_, k, std::get<std::string>(v).c_str(), -1, SQLITE_STATIC);
        break;
      case 4:
        time_text(text_, std::get<Timestamp>(v));
        sqlite3_bind_text(st_, k, text_.data(), static_cast<int>(text_.size()), SQLITE_TRANSIENT);
        break;
      default: sqlite3_bind_null(st_, k);
    }
  }
  const bool ok = sqlite3_step(st_) == SQLITE_DONE;
  // Reset at once: a statement left unreset would keep GDAL from committing.
  sqlite3_reset(st_);
  if (!ok) return false;
  ++summary_.count;
  fid = sqlite3_last_insert_rowid(db_);
  return true;
}

void finish_rows(const std::filesystem::path& file, const std::vector<RowsSummary>& layers, const std::string& where) {
  if (layers.empty()) return;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw Error(ErrorCode::OutputFailed, where, "cannot reopen the GeoPackage: " + msg);
  }
  struct Closer {
    sqlite3* db;
    ~Closer() { sqlite3_close(db); }
  } closer{db};
  // The same temporary rules as GDAL's connection had: a failed run removes the
  // file, and AtomicOutput::commit fsyncs it.
  exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN", where);
  sqlite3_stmt* count = nullptr;
  sqlite3_stmt* extent = nullptr;
  if (sqlite3_prepare_v2(db, "UPDATE gpkg_ogr_contents SET feature_count = ?2 WHERE lower(table_name) = lower(?1)", -1,
                         &count, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5 WHERE "
                             "lower(table_name) = lower(?1)",
                         -1, &extent, nullptr) != SQLITE_OK) {
    sqlite3_finalize(count);
    fail(db, where, "cannot update the GeoPackage's contents");
  }
  bool ok = true;
  for (const auto& l : layers) {
    sqlite3_bind_text(count, 1, l.table.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(count, 2, l.count);
    ok = ok && sqlite3_step(count) == SQLITE_DONE;
    sqlite3_reset(count);
    if (!l.extent.empty()) {
      sqlite3_bind_text(extent, 1, l.table.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_double(extent, 2, l.extent.min_x);
      sqlite3_bind_double(extent, 3, l.extent.min_y);
      sqlite3_bind_double(extent, 4, l.extent.max_x);
      sqlite3_bind_double(extent, 5, l.extent.max_y);
      ok = ok && sqlite3_step(extent) == SQLITE_DONE;
      sqlite3_reset(extent);
    }
  }
  sqlite3_finalize(count);
  sqlite3_finalize(extent);
  if (!ok) fail(db, where, "cannot update the GeoPackage's contents");
  for (const auto& l : layers)
    for (const auto& t : l.triggers) {
      // GDAL may have made them again when it closed the layer.
      const auto name_start = t.find('"');
      const auto name_end = name_start == std::string::npos ? std::string::npos : t.find('"', name_start + 1);
      if (name_end == std::string::npos) throw Error(ErrorCode::OutputFailed, where, "unexpected trigger: " + t);
      const std::string name = t.substr(name_start + 1, name_end - name_start - 1);
      if (texts(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = ?", name, where).empty())
        exec(db, t, where);
    }
  exec(db, "COMMIT", where);
}

}  // namespace tryggve::io::detail
