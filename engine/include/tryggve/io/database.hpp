#pragma once
// A database as GDAL sees it: a GeoPackage file (SQLite) or a PostgreSQL/PostGIS
// connection, through the same calls. The workspace (workspace/) keeps its
// tables here and never touches GDAL itself.
//
// Targets: a path ending in .gpkg, or a PostgreSQL connection string
// ("PG:host=/tmp port=5432 dbname=w user=u" or "postgresql://u@host/db").
//
// Tables are created as OGR layers, so they are registered the way QGIS and
// ogrinfo expect (gpkg_contents / geometry_columns, spatial index): the primary
// key column is `fid`, the geometry column `geom`. Values go in and come out as
// FieldValue (vector_writer.hpp); a DateTime column is stored as ISO 8601 text
// with its offset on both back ends (GeoPackage has no time-zone-aware type and
// PostgreSQL's timestamptz would forget the local offset).
//
// Transactions: begin() / commit() / rollback(), or a Transaction guard that
// rolls back unless committed. begin() takes the workspace's write lock first:
// on PostgreSQL an advisory transaction lock (two writers queue, nothing is
// lost), on GeoPackage SQLite's write lock taken at once with a busy timeout
// (a second writer waits up to `busy_timeout_s`, then fails with a clear error;
// SQLite's journal keeps the file consistent either way). A process killed in
// the middle leaves the database as it was before begin().
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"

namespace tryggve::io {

enum class DbBackend : std::uint8_t { GeoPackage, PostgreSQL };

// One row of a query: values in the order of the select list (geometry
// columns excluded), its geometry if the query returned one, and its fid.
struct DbRow {
  std::vector<FieldValue> values;
  Geometry geometry;
  std::int64_t fid = -1;

  // Conveniences that read a value as text/number ("" / nullopt for null).
  std::string text(std::size_t i) const;
  std::optional<std::int64_t> integer(std::size_t i) const;
  std::optional<double> real(std::size_t i) const;
};

class Database {
 public:
  // True for "PG:..." and "postgresql://..." / "postgres://...".
  static bool is_postgres(const std::string& target);
  // Opens an existing database for update. Throws Error(FileNotFound) for a
  // missing GeoPackage, Error(FileUnreadable) naming the target (password
  // hidden) when it cannot be opened or connected to.
  static std::unique_ptr<Database> open(const std::string& target);
  // Creates a new GeoPackage (Error(OutputFailed) if the file exists) or
  // connects to an existing PostgreSQL database and makes sure PostGIS is there.
  static std::unique_ptr<Database> create(const std::string& target);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  DbBackend backend() const { return backend_; }
  // The target for messages: a PostgreSQL password is replaced by "***".
  const std::string& name() const { return name_; }

  // Runs a statement without a result. Throws Error(OutputFailed) quoting the
  // driver's message.
  void execute(const std::string& sql);
  // Runs a query; rows in the order the database returns them.
  std::vector<DbRow> query(const std::string& sql);
  // The first column of the first row, null if no row.
  FieldValue scalar(const std::string& sql);

  // SQL text literal: quotes doubled, NUL bytes removed.
  static std::string quote(const std::string& text);

  bool has_table(const std::string& name);
  std::vector<std::string> tables();
  std::int64_t count(const std::string& table, const std::string& where = {});

  // A table (an OGR layer) with `fid` and, unless kind is None, a `geom`
  // column in `crs`. Throws Error(OutputFailed).
  void create_table(const std::string& name, GeometryKind kind, const std::vector<FieldDef>& fields,
                    const CrsContext& crs);
  void create_index(const std::string& table, const std::string& columns, bool unique = false);

  // Inserts one row: `columns` named, values in that order; `fid` >= 0 sets the
  // key (the workspace hands out its own ids under the write lock), else the
  // database chooses. Returns the fid.
  std::int64_t insert(const std::string& table, const std::vector<std::string>& columns,
                      const std::vector<FieldValue>& values, const Geometry& geometry = {}, std::int64_t fid = -1);

  // Every row of a table with its geometry (in stored coordinates), the named
  // columns in order, `where` an SQL condition or "". Ordered by fid.
  std::vector<DbRow> read(const std::string& table, const std::vector<std::string>& columns,
                          const std::string& where = {});

  void begin();
  void commit();
  void rollback();
  bool in_transaction() const { return in_tx_; }
  // GeoPackage: how long a writer waits for another's lock (default 60 s).
  void set_busy_timeout(double seconds);

  struct Impl;

 private:
  Database();
  std::unique_ptr<Impl> impl_;
  DbBackend backend_ = DbBackend::GeoPackage;
  std::string name_;
  bool in_tx_ = false;
  double busy_timeout_s_ = 60.0;
};

// Rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        db_.rollback();
      } catch (...) {
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace tryggve::io
