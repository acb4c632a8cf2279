#include "gpkg_rtree.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include "tryggve/core/error.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io::detail {

namespace {

// SQLite's rtreeValueDown / rtreeValueUp (rtree.c): a float no greater (no
// smaller) than the double, nudged by one part in 2^23 when the cast rounds the
// wrong way. The same arithmetic gives the same bytes GDAL's inserts would.
constexpr double kRoundTowards = 1.0 - 1.0 / 8388608.0;
constexpr double kRoundAway = 1.0 + 1.0 / 8388608.0;
float value_down(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) > d) f = static_cast<float>(d * (d < 0 ? kRoundAway : kRoundTowards));
  return f;
}
float value_up(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) < d) f = static_cast<float>(d * (d < 0 ? kRoundTowards : kRoundAway));
  return f;
}

std::string quoted_id(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
std::string quoted_text(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

// Runs a statement that returns no rows; throws with SQLite's reason.
void exec(GDALDataset& ds, const std::string& sql, const std::string& where) {
  GdalMessages msgs;
  OGRLayer* rs = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (rs) ds.ReleaseResultSet(rs);
  if (!msgs.errors().empty())
    throw Error(ErrorCode::OutputFailed, where, "cannot write the spatial index: " + msgs.errors().back());
}

// The text column of every row of a query.
std::vector<std::string> query_texts(GDALDataset& ds, const std::string& sql, const std::string& where) {
  GdalMessages msgs;
  std::vector<std::string> out;
  OGRLayer* rs = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (rs) {
    for (auto& f : *rs) out.emplace_back(f->GetFieldAsString(0));
    ds.ReleaseResultSet(rs);
  }
  if (!msgs.errors().empty())
    throw Error(ErrorCode::OutputFailed, where, "cannot read the spatial index: " + msgs.errors().back());
  return out;
}

struct Cell {
  std::int64_t id;  // a feature id in a leaf, a child node number above
  float min_x, max_x, min_y, max_y;
};

// Sort-Tile-Recursive packing of one level into nodes of at most `cap` cells:
// vertical slices by the centre's x, then runs by the centre's y. Ties go by id,
// so the tree is the same on every run.
std::vector<std::vector<Cell>> pack(std::vector<Cell> cells, std::size_t cap) {
  auto cx = [](const Cell& c) { return 0.5 * (static_cast<double>(c.min_x) + c.max_x); };
  auto cy = [](const Cell& c) { return 0.5 * (static_cast<double>(c.min_y) + c.max_y); };
  const std::size_t n = cells.size();
  const std::size_t nodes = (n + cap - 1) / cap;
  const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
  const std::size_t per_slice = slices * cap;
  std::sort(cells.begin(), cells.end(), [&](const Cell& a, const Cell& b) {
    return cx(a) != cx(b) ? cx(a) < cx(b) : a.id < b.id;
  });
  std::vector<std::vector<Cell>> out;
  out.reserve(nodes);
  for (std::size_t s = 0; s < n; s += per_slice) {
    const auto first = cells.begin() + static_cast<std::ptrdiff_t>(s);
    const auto last = cells.begin() + static_cast<std::ptrdiff_t>(std::min(n, s + per_slice));
    std::sort(first, last, [&](const Cell& a, const Cell& b) { return cy(a) != cy(b) ? cy(a) < cy(b) : a.id < b.id; });
    for (auto it = first; it < last; it += static_cast<std::ptrdiff_t>(std::min<std::size_t>(cap, static_cast<std::size_t>(last - it))))
      out.emplace_back(it, it + static_cast<std::ptrdiff_t>(std::min<std::size_t>(cap, static_cast<std::size_t>(last - it))));
  }
  return out;
}

void put_be(unsigned char*& out, std::uint64_t v, int bytes) {
  for (int b = bytes - 1; b >= 0; --b) *out++ = static_cast<unsigned char>((v >> (8 * b)) & 0xFF);
}

// A node as rtree.c lays it out: 2 bytes depth (the root only), 2 bytes cell
// count, then per cell an 8-byte id and four 4-byte floats, all big-endian,
// zero-padded to the node size.
void node_blob(std::vector<unsigned char>& blob, const std::vector<Cell>& cells, int depth, std::size_t node_size) {
  blob.assign(node_size, 0);
  unsigned char* out = blob.data();
  put_be(out, static_cast<std::uint64_t>(depth), 2);
  put_be(out, cells.size(), 2);
  auto bits = [](float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
  };
  for (const auto& c : cells) {
    put_be(out, static_cast<std::uint64_t>(c.id), 8);
    put_be(out, bits(c.min_x), 4);
    put_be(out, bits(c.max_x), 4);
    put_be(out, bits(c.min_y), 4);
    put_be(out, bits(c.max_y), 4);
  }
}

// One prepared INSERT of two values, run row after row on GDAL's own SQLite
// connection. SQL text (even many rows a statement) spent most of the packing in
// GDAL's ExecuteSQL checks and SQLite's parser; a bound statement skips both.
class Insert {
 public:
  Insert(sqlite3* db, const std::string& sql, std::string where) : db_(db), where_(std::move(where)) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) fail();
  }
  ~Insert() { sqlite3_finalize(st_); }
  Insert(const Insert&) = delete;
  Insert& operator=(const Insert&) = delete;
  void run(std::int64_t a, std::int64_t b) {
    sqlite3_bind_int64(st_, 1, a);
    sqlite3_bind_int64(st_, 2, b);
    step();
  }
  void run(std::int64_t a, const std::vector<unsigned char>& blob) {
    sqlite3_bind_int64(st_, 1, a);
    sqlite3_bind_blob(st_, 2, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    step();
  }

 private:
  void step() {
    if (sqlite3_step(st_) != SQLITE_DONE) fail();
    sqlite3_reset(st_);
  }
  [[noreturn]] void fail() const {
    throw Error(ErrorCode::OutputFailed, where_, std::string("cannot write the spatial index: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  std::string where_;
};

}  // namespace

bool rtree_entry(std::int64_t fid, const Geometry& g, RtreeEntry& out) {
  Envelope box;
  if (const auto* p = std::get_if<Point>(&g)) box.expand(*p);
  else if (const auto* l = std::get_if<Polyline>(&g)) box = envelope(*l);
  else if (const auto* m = std::get_if<MultiPolygon>(&g)) box = envelope(*m);
  if (box.empty()) return false;
  out = {fid, value_down(box.min_x), value_up(box.max_x), value_down(box.min_y), value_up(box.max_y)};
  return true;
}

DeferredRtree::DeferredRtree(GDALDataset& ds, std::string table, std::string geom_column, std::string where)
    : table_(std::move(table)), rtree_("rtree_" + table_ + "_" + geom_column), where_(std::move(where)) {
  exec(ds, fmt::format("SELECT CreateSpatialIndex({}, {})", quoted_text(table_), quoted_text(geom_column)), where_);
  triggers_ = query_texts(ds,
                          fmt::format("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {} "
                                      "AND substr(name, 1, {}) = {} ORDER BY name",
                                      quoted_text(table_), rtree_.size() + 1, quoted_text(rtree_ + "_")),
                          where_);
  if (triggers_.empty())
    throw Error(ErrorCode::OutputFailed, where_, "GDAL created the spatial index " + rtree_ + " without triggers");
  for (const auto& name : query_texts(ds,
                                      fmt::format("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {} "
                                                  "AND substr(name, 1, {}) = {} ORDER BY name",
                                                  quoted_text(table_), rtree_.size() + 1, quoted_text(rtree_ + "_")),
                                      where_))
    exec(ds, "DROP TRIGGER " + quoted_id(name), where_);
}

void DeferredRtree::finish(GDALDataset& ds) {
  if (finished_) return;
  finished_ = true;
  const auto size_text =
      query_texts(ds, fmt::format("SELECT length(data) FROM {} WHERE nodeno = 1", quoted_id(rtree_ + "_node")), where_);
  if (size_text.size() != 1) throw Error(ErrorCode::OutputFailed, where_, "the spatial index " + rtree_ + " has no root node");
  const auto node_size = static_cast<std::size_t>(std::stoul(size_text.front()));
  const std::size_t cap = (node_size - 4) / 24;  // 8-byte id + 4 floats per cell
  if (ds.StartTransaction() != OGRERR_NONE)
    throw Error(ErrorCode::OutputFailed, where_, "cannot start a transaction for the spatial index");
  if (!entries_.empty()) {
    exec(ds, "DELETE FROM " + quoted_id(rtree_ + "_node"), where_);
    // GDAL's GeoPackage dataset hands out its SQLite connection; the inserts run
    // inside the transaction just started on it.
    auto* db = static_cast<sqlite3*>(ds.GetInternalHandle("SQLITE_HANDLE"));
    if (!db) throw Error(ErrorCode::OutputFailed, where_, "GDAL gives no SQLite connection for the spatial index");
    Insert nodes(db, "INSERT INTO " + quoted_id(rtree_ + "_node") + " (nodeno, data) VALUES (?, ?)", where_);
    Insert rowids(db, "INSERT INTO " + quoted_id(rtree_ + "_rowid") + " (rowid, nodeno) VALUES (?, ?)", where_);
    Insert parents(db, "INSERT INTO " + quoted_id(rtree_ + "_parent") + " (nodeno, parentnode) VALUES (?, ?)", where_);
    std::vector<Cell> level;
    level.reserve(entries_.size());
    for (const auto& e : entries_) level.push_back({e.id, e.min_x, e.max_x, e.min_y, e.max_y});
    entries_ = {};
    std::vector<unsigned char> blob;
    // Leaf of each feature, inserted in id order at the end: SQLite appends
    // ascending rowids at the B-tree's right edge instead of seeking for each.
    std::vector<std::pair<std::int64_t, std::int64_t>> leaf_of;
    leaf_of.reserve(level.size());
    std::int64_t next_node = 2;  // 1 is the root
    for (int depth = 0;; ++depth) {
      auto packed = pack(std::move(level), cap);
      const bool root = packed.size() == 1;
      level.clear();
      for (const auto& node : packed) {
        const std::int64_t no = root ? 1 : next_node++;
        node_blob(blob, node, root ? depth : 0, node_size);
        nodes.run(no, blob);
        for (const auto& c : node) {
          if (depth == 0) leaf_of.emplace_back(c.id, no);
          else parents.run(c.id, no);
        }
        if (!root) {
          Cell up{no, node[0].min_x, node[0].max_x, node[0].min_y, node[0].max_y};
          for (const auto& c : node) {
            up.min_x = std::min(up.min_x, c.min_x);
            up.max_x = std::max(up.max_x, c.max_x);
            up.min_y = std::min(up.min_y, c.min_y);
            up.max_y = std::max(up.max_y, c.max_y);
          }
          level.push_back(up);
        }
      }
      if (root) break;
    }
    std::sort(leaf_of.begin(), leaf_of.end());
    for (const auto& [id, no] : leaf_of) rowids.run(id, no);
  }
  for (const auto& t : triggers_) exec(ds, t, where_);
  GdalMessages msgs;
  if (ds.CommitTransaction() != OGRERR_NONE)
    throw Error(ErrorCode::OutputFailed, where_, "cannot write the spatial index: " + msgs.last());
}

}  // namespace tryggve::io::detail
