// GTFS through GDAL's CSV driver. Each file is read once, in dependency order
// (agency, stops, routes, calendar, calendar_dates, shapes, trips, stop_times,
// frequencies), so every reference can be checked against rows already read and
// a rejected row can take its dependants with it, naming itself.
#include "tryggve/io/gtfs.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include <cpl_vsi.h>
#include <fmt/format.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io {

namespace fs = std::filesystem;
using namespace detail;
using gtfs::Index;
using gtfs::kNone;

namespace {

std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

// Where the feed's files are: "/abs/folder/" or "/vsizip//abs/feed.zip/[sub/]".
struct FeedSource {
  std::string given;  // as the user gave it, for messages
  std::string base;
};

bool vsi_exists(const std::string& p, bool* is_dir = nullptr) {
  VSIStatBufL st;
  if (VSIStatL(p.c_str(), &st) != 0) return false;
  if (is_dir) *is_dir = VSI_ISDIR(st.st_mode);
  return true;
}

FeedSource locate(const std::string& path) {
  ensure_gdal();
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec))
    throw Error(ErrorCode::FileNotFound, path.empty() ? "(no path)" : path,
                "no such file or folder (a GTFS feed is a .zip or a folder of .txt files)");
  FeedSource s;
  s.given = path;
  const bool dir = fs::is_directory(path, ec);
  const std::string root = dir ? fs::absolute(path).string() : "/vsizip/" + fs::absolute(path).string();
  if (vsi_exists(root + "/stops.txt")) {
    s.base = root + "/";
    return s;
  }
  char** list = VSIReadDir(root.c_str());
  if (!dir && !list)
    throw Error(ErrorCode::UnknownFormat, path, "not a zip archive GDAL can open (a GTFS feed is a .zip or a folder)");
  // Zips made by compressing the feed's folder hold the files one level down.
  std::vector<std::string> subs;
  std::string have;
  for (char** p = list; p && *p; ++p) {
    const std::string n = *p;
    if (n == "." || n == "..") continue;
    have += (have.empty() ? "" : ", ") + n;
    bool d = false;
    if (vsi_exists(root + "/" + n, &d) && d && vsi_exists(root + "/" + n + "/stops.txt")) subs.push_back(n);
  }
  CSLDestroy(list);
  if (subs.size() == 1) {
    s.base = root + "/" + subs.front() + "/";
    return s;
  }
  if (subs.size() > 1)
    throw Error(ErrorCode::UnknownFormat, path,
                fmt::format("several sub-folders hold a stops.txt ({}): give the one feed to read", fmt::join(subs, ", ")));
  throw Error(ErrorCode::FileNotFound, path,
              fmt::format("no stops.txt: not a GTFS feed (required: stops.txt, routes.txt, trips.txt, stop_times.txt "
                          "and calendar.txt or calendar_dates.txt); it holds: {}",
                          have.empty() ? "nothing" : have));
}

// One file of the feed, read row by row. Values come back trimmed; a missing
// column reads as "".
class Table {
 public:
  Table(const FeedSource& src, const char* name, bool required, const GtfsReadOptions& opt, GtfsFileCounts& counts)
      : name_(name), file_(src.given + "/" + name), opt_(opt), counts_(counts) {
    counts_.file = name;
    const std::string p = src.base + name;
    VSIStatBufL st;
    if (VSIStatL(p.c_str(), &st) != 0) {
      if (required) throw Error(ErrorCode::FileNotFound, file_, fmt::format("the feed has no {} (a required file)", name));
      return;
    }
    if (static_cast<std::uint64_t>(st.st_size) > opt.max_file_bytes)
      throw Error(ErrorCode::BadValue, file_,
                  fmt::format("{} bytes uncompressed, above the limit of {} bytes (max_file_bytes): cut the feed to the "
                              "region first (by agency or area) or raise the limit",
                              thousands(static_cast<std::size_t>(st.st_size)), thousands(opt.max_file_bytes)));
    const char* oo[] = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", "KEEP_GEOM_COLUMNS=YES", nullptr};
    GdalMessages msgs;
    ds_.reset(GDALDataset::Open(("CSV:" + p).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, oo, nullptr));
    if (!ds_ || ds_->GetLayerCount() < 1)
      throw Error(ErrorCode::FileUnreadable, file_,
                  fmt::format("not a CSV file GDAL can read{}", msgs.last().empty() ? "" : ": " + msgs.last()));
    layer_ = ds_->GetLayer(0);
    defn_ = layer_->GetLayerDefn();
    counts_.present = true;
    layer_->ResetReading();
  }
  bool present() const { return layer_ != nullptr; }
  const std::string& file() const { return file_; }
  const char* name() const { return name_; }

  int col(const char* column, bool required) {
    if (!layer_) return -1;
    const int i = defn_->GetFieldIndex(column);
    if (i < 0 && required) {
      std::string have;
      for (int k = 0; k < defn_->GetFieldCount(); ++k) have += (k ? ", " : "") + std::string(defn_->GetFieldDefn(k)->GetNameRef());
      throw Error(ErrorCode::MissingField, file_, fmt::format("no column '{}' (a required column); columns: {}", column, have));
    }
    return i;
  }

  bool next() {
    if (!layer_) return false;
    f_.reset(layer_->GetNextFeature());
    if (!f_) return false;
    ++row_;
    ++counts_.rows;
    if (static_cast<std::size_t>(row_) > opt_.max_rows)
      throw Error(ErrorCode::BadValue, file_,
                  fmt::format("more than {} rows (max_rows): cut the feed to the region first (by agency or area) or "
                              "raise the limit",
                              thousands(opt_.max_rows)));
    return true;
  }
  std::string get(int c) const { return field_text(*f_, c); }
  std::int64_t row() const { return row_; }
  std::string where() const { return fmt::format("{}:row {}", file_, row_); }
  std::string where(std::int64_t row) const { return fmt::format("{}:row {}", file_, row); }
  std::string raw() const { return raw_text(*f_); }

  void require_rows() const {
    if (present() && row_ == 0) throw Error(ErrorCode::EmptyLayer, file_, "the file has a header but no rows");
  }

 private:
  const char* name_;
  std::string file_;
  const GtfsReadOptions& opt_;
  GtfsFileCounts& counts_;
  GDALDatasetUniquePtr ds_;
  OGRLayer* layer_ = nullptr;
  OGRFeatureDefn* defn_ = nullptr;
  OGRFeatureUniquePtr f_;
  std::int64_t row_ = 0;
};

// Rejected ids of one kind (stops, routes, ...) with why, so their dependants
// can say which row took them down.
using RejectedIds = std::unordered_map<std::string, std::string>;

class Reader {
 public:
  Reader(const std::string& path, CrsContext& crs, const GtfsReadOptions& opt, GtfsReport& rep)
      : src_(locate(path)), crs_(crs), opt_(opt), rep_(rep) {
    rep_.feed = path;
    // Every file's counts exist before any Table holds a reference to them.
    for (const char* f : {"agency.txt", "stops.txt", "routes.txt", "calendar.txt", "calendar_dates.txt", "shapes.txt",
                          "trips.txt", "stop_times.txt", "frequencies.txt"}) {
      rep_.files.push_back({});
      rep_.files.back().file = f;
    }
  }

  gtfs::Feed read() {
    read_agency();
    read_stops();
    read_routes();
    read_calendar();
    read_calendar_dates();
    if (!counts("calendar.txt").present && !counts("calendar_dates.txt").present)
      throw Error(ErrorCode::FileNotFound, src_.given,
                  "the feed has neither calendar.txt nor calendar_dates.txt (one is required: they say on which days "
                  "trips run)");
    read_shapes();
    read_trips();
    read_stop_times();
    read_frequencies();
    if (feed_.trips.empty())
      throw Error(ErrorCode::NoData, src_.given,
                  fmt::format("no usable trip in the feed{}", opt_.rejects && opt_.rejects->size()
                                                                  ? ": " + opt_.rejects->summary()
                                                                  : ""));
    return std::move(feed_);
  }

 private:
  GtfsFileCounts& counts(const char* name) {
    for (auto& c : rep_.files)
      if (c.file == name) return c;
    throw Error(ErrorCode::Internal, name, "not a GTFS file this reader counts");
  }

  // A per-row problem: a reject (or the Error without a RejectLog).
  void reject(Table& t, ErrorCode code, RejectReason reason, const std::string& detail) {
    ++counts(t.name()).rejected;
    reject_or_throw(opt_.rejects, code, reason, t.file(), t.where(), t.row(), detail, t.raw());
  }
  // A problem found after the row was read (grouping checks): names the row given.
  void reject_row(const std::string& file, const char* name, std::int64_t row, ErrorCode code, RejectReason reason,
                  const std::string& detail, const std::string& raw = {}) {
    ++counts(name).rejected;
    reject_or_throw(opt_.rejects, code, reason, file, fmt::format("{}:row {}", file, row), row, detail, raw);
  }

  // ---- agency.txt: the time zone --------------------------------------------------------
  void read_agency() {
    Table t(src_, "agency.txt", false, opt_, counts("agency.txt"));
    rep_.timezone = opt_.default_timezone;
    if (!t.present()) {
      feed_.timezone = rep_.timezone;
      return;
    }
    const int c_tz = t.col("agency_timezone", false);
    std::string tz;
    std::int64_t tz_row = 0;
    while (t.next()) {
      const std::string v = t.get(c_tz);
      ++counts("agency.txt").kept;
      if (v.empty()) continue;
      if (tz.empty()) {
        try {
          TimeZone::from_name(v);
        } catch (const Error&) {
          throw Error(ErrorCode::BadValue, t.where(), fmt::format("agency_timezone '{}' is not a known time zone", v));
        }
        tz = v;
        tz_row = t.row();
      } else if (v != tz) {
        throw Error(ErrorCode::BadValue, t.where(),
                    fmt::format("agency_timezone '{}' differs from '{}' ({}): GTFS requires one time zone per feed", v,
                                tz, t.where(tz_row)));
      }
    }
    if (!tz.empty()) {
      rep_.timezone = tz;
      rep_.timezone_from_agency = true;
    }
    feed_.timezone = rep_.timezone;
  }

  // ---- stops.txt ----------------------------------------------------------------------------
  struct RawStop {
    gtfs::Stop stop;
    std::string parent_id;
    bool has_pos = false;
    std::string raw;
    bool rejected = false;
  };

  void read_stops() {
    Table t(src_, "stops.txt", true, opt_, counts("stops.txt"));
    const int c_id = t.col("stop_id", true), c_name = t.col("stop_name", false), c_code = t.col("stop_code", false),
              c_lat = t.col("stop_lat", false), c_lon = t.col("stop_lon", false),
              c_type = t.col("location_type", false), c_parent = t.col("parent_station", false),
              c_platform = t.col("platform_code", false);
    if (c_lat < 0 || c_lon < 0)
      throw Error(ErrorCode::MissingField, t.file(), "no stop_lat / stop_lon columns (required for stops and stations)");
    std::vector<RawStop> raw;
    std::unordered_set<std::string> seen;
    while (t.next()) {
      RawStop r;
      r.stop.row = t.row();
      r.stop.id = t.get(c_id);
      r.stop.name = t.get(c_name);
      r.stop.code = t.get(c_code);
      r.stop.platform_code = t.get(c_platform);
      r.parent_id = t.get(c_parent);
      if (r.stop.id.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, "stop_id is empty");
        continue;
      }
      if (!seen.insert(r.stop.id).second) {
        reject(t, ErrorCode::BadValue, RejectReason::Duplicate, fmt::format("stop_id '{}' is given twice", r.stop.id));
        continue;
      }
      const std::string type = t.get(c_type);
      if (type.empty() || type == "0") r.stop.type = gtfs::LocationType::Stop;
      else if (type.size() == 1 && type[0] >= '1' && type[0] <= '4') r.stop.type = static_cast<gtfs::LocationType>(type[0] - '0');
      else {
        rejected_stops_[r.stop.id] = t.where();
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, fmt::format("location_type '{}' is not 0-4", type));
        continue;
      }
      const bool needs_pos = r.stop.type == gtfs::LocationType::Stop || r.stop.type == gtfs::LocationType::Station ||
                             r.stop.type == gtfs::LocationType::Entrance;
      const std::string tlat = t.get(c_lat), tlon = t.get(c_lon);
      if (!tlat.empty() || !tlon.empty() || needs_pos) {
        const auto lat = parse_number(tlat), lon = parse_number(tlon);
        std::string bad;
        if (!lat || !lon) bad = fmt::format("stop_lat '{}' / stop_lon '{}' are not numbers", tlat, tlon);
        else if (!std::isfinite(*lat) || !std::isfinite(*lon) || std::abs(*lat) > 90 || std::abs(*lon) > 180)
          bad = fmt::format("stop_lat {} / stop_lon {} are out of range", tlat, tlon);
        else if (*lat == 0 && *lon == 0) bad = "stop_lat / stop_lon are 0,0 (no position)";
        if (!bad.empty()) {
          rejected_stops_[r.stop.id] = t.where();
          reject(t, ErrorCode::BadCoordinate, RejectReason::BadCoordinate, bad);
          continue;
        }
        r.stop.pos = {*lon, *lat};
        r.has_pos = true;
      }
      if (r.stop.name.empty() && needs_pos) {
        rejected_stops_[r.stop.id] = t.where();
        reject(t, ErrorCode::BadValue, RejectReason::BadValue,
               "stop_name is empty (required for stops, stations and entrances)");
        continue;
      }
      if (opt_.rejects) r.raw = t.raw();
      raw.push_back(std::move(r));
    }
    t.require_rows();

    // Into the run's CRS, all points in one call (for --crs auto the zone comes
    // from the median stop, so a few far-off rows do not move it).
    std::vector<Point> pts;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < raw.size(); ++i)
      if (raw[i].has_pos) pts.push_back(raw[i].stop.pos), which.push_back(i);
    if (!pts.empty()) {
      const auto centre = robust_centre(pts);
      auto tr = crs_.transform_from(nullptr, t.file(), "EPSG:4326", centre ? &*centre : nullptr);
      std::vector<unsigned char> ok;
      tr->apply(pts, &ok);
      std::size_t failed = 0;
      for (std::size_t k = 0; k < pts.size(); ++k) {
        RawStop& r = raw[which[k]];
        if (ok[k]) {
          r.stop.pos = pts[k];
          continue;
        }
        ++failed;
        r.rejected = true;
        rejected_stops_[r.stop.id] = t.where(r.stop.row);
        reject_row(t.file(), "stops.txt", r.stop.row, ErrorCode::BadCoordinate, RejectReason::BadCoordinate,
                   "coordinates cannot be transformed into " + crs_.describe(), r.raw);
      }
      if (failed == pts.size())
        throw Error(ErrorCode::BadCrs, t.file(), "no stop's coordinates can be transformed into " + crs_.describe());
    }

    // Parents: stations first, then what hangs on stations, then boarding areas
    // (which hang on platforms), so a rejected parent is known before its children.
    std::unordered_map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < raw.size(); ++i) by_id[raw[i].stop.id] = i;
    auto level = [](gtfs::LocationType ty) {
      return ty == gtfs::LocationType::Station ? 0 : ty == gtfs::LocationType::BoardingArea ? 2 : 1;
    };
    for (int lv = 0; lv < 3; ++lv) {
      for (auto& r : raw) {
        if (r.rejected || level(r.stop.type) != lv) continue;
        std::string bad;
        ErrorCode code = ErrorCode::BadValue;
        RejectReason reason = RejectReason::UnknownReference;
        const bool must_have_parent = r.stop.type == gtfs::LocationType::Entrance ||
                                      r.stop.type == gtfs::LocationType::GenericNode ||
                                      r.stop.type == gtfs::LocationType::BoardingArea;
        if (r.parent_id.empty()) {
          if (must_have_parent) bad = "parent_station is empty (required for entrances, nodes and boarding areas)", reason = RejectReason::BadValue;
        } else if (r.stop.type == gtfs::LocationType::Station) {
          bad = "a station (location_type 1) cannot have a parent_station";
          reason = RejectReason::BadValue;
        } else if (const auto rj = rejected_stops_.find(r.parent_id); rj != rejected_stops_.end()) {
          bad = fmt::format("parent_station '{}' was rejected ({})", r.parent_id, rj->second);
        } else if (const auto it = by_id.find(r.parent_id); it == by_id.end()) {
          bad = fmt::format("parent_station '{}' is not in stops.txt", r.parent_id);
        } else {
          const auto want = r.stop.type == gtfs::LocationType::BoardingArea ? gtfs::LocationType::Stop
                                                                            : gtfs::LocationType::Station;
          const RawStop& p = raw[it->second];
          if (p.stop.type != want) {
            bad = fmt::format("parent_station '{}' has location_type {}, not {}", r.parent_id,
                              static_cast<int>(p.stop.type), static_cast<int>(want));
            reason = RejectReason::BadValue;
          } else if (!r.has_pos) {
            r.stop.pos = p.stop.pos;  // nodes and boarding areas without coordinates sit at their parent
            r.has_pos = p.has_pos;
          }
        }
        if (!bad.empty()) {
          r.rejected = true;
          rejected_stops_[r.stop.id] = t.where(r.stop.row);
          reject_row(t.file(), "stops.txt", r.stop.row, code, reason, bad, r.raw);
        }
      }
    }
    std::vector<Index> index(raw.size(), kNone);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i].rejected) continue;
      index[i] = static_cast<Index>(feed_.stops.size());
      feed_.stop_ids.emplace(raw[i].stop.id, index[i]);
      feed_.stops.push_back(raw[i].stop);
    }
    for (std::size_t i = 0; i < raw.size(); ++i)
      if (index[i] != kNone && !raw[i].parent_id.empty()) feed_.stops[index[i]].parent = feed_.stop_ids.at(raw[i].parent_id);
    counts("stops.txt").kept = feed_.stops.size();
  }

  // ---- routes.txt ---------------------------------------------------------------------------
  void read_routes() {
    Table t(src_, "routes.txt", true, opt_, counts("routes.txt"));
    const int c_id = t.col("route_id", true), c_type = t.col("route_type", true), c_agency = t.col("agency_id", false),
              c_short = t.col("route_short_name", false), c_long = t.col("route_long_name", false);
    while (t.next()) {
      gtfs::Route r;
      r.row = t.row();
      r.id = t.get(c_id);
      r.agency_id = t.get(c_agency);
      r.short_name = t.get(c_short);
      r.long_name = t.get(c_long);
      if (r.id.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, "route_id is empty");
        continue;
      }
      if (feed_.route_ids.count(r.id)) {
        reject(t, ErrorCode::BadValue, RejectReason::Duplicate, fmt::format("route_id '{}' is given twice", r.id));
        continue;
      }
      const std::string ty = t.get(c_type);
      const auto v = parse_number(ty);
      std::string bad;
      if (!v || *v != std::floor(*v) || *v < 0 || *v > 1799) bad = fmt::format("route_type '{}' is not a route type", ty);
      else if (r.short_name.empty() && r.long_name.empty()) bad = "route_short_name and route_long_name are both empty";
      if (!bad.empty()) {
        rejected_routes_[r.id] = t.where();
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, bad);
        continue;
      }
      r.route_type = static_cast<int>(*v);
      r.mode = gtfs::mode_of_route_type(r.route_type);
      feed_.route_ids.emplace(r.id, static_cast<Index>(feed_.routes.size()));
      feed_.routes.push_back(std::move(r));
    }
    t.require_rows();
    counts("routes.txt").kept = feed_.routes.size();
  }

  // ---- calendar.txt, calendar_dates.txt ----------------------------------------------------
  Index service(const std::string& id) {
    auto [it, added] = feed_.service_ids.emplace(id, static_cast<Index>(feed_.services.size()));
    if (added) {
      feed_.services.push_back({});
      feed_.services.back().id = id;
    }
    return it->second;
  }

  void read_calendar() {
    Table t(src_, "calendar.txt", false, opt_, counts("calendar.txt"));
    if (!t.present()) return;
    static const char* kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    const int c_id = t.col("service_id", true), c_start = t.col("start_date", true), c_end = t.col("end_date", true);
    int c_day[7];
    for (int d = 0; d < 7; ++d) c_day[d] = t.col(kDays[d], true);
    while (t.next()) {
      const std::string id = t.get(c_id);
      if (id.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, "service_id is empty");
        continue;
      }
      if (feed_.service_ids.count(id)) {
        reject(t, ErrorCode::BadValue, RejectReason::Duplicate, fmt::format("service_id '{}' is given twice", id));
        continue;
      }
      std::string bad;
      std::array<bool, 7> days{};
      for (int d = 0; d < 7 && bad.empty(); ++d) {
        const std::string v = t.get(c_day[d]);
        if (v == "0" || v == "1") days[static_cast<std::size_t>(d)] = v == "1";
        else bad = fmt::format("{} is '{}', not 0 or 1", kDays[d], v);
      }
      const auto s = gtfs::parse_date(t.get(c_start)), e = gtfs::parse_date(t.get(c_end));
      if (bad.empty() && !s) bad = fmt::format("start_date '{}' is not a date YYYYMMDD", t.get(c_start));
      if (bad.empty() && !e) bad = fmt::format("end_date '{}' is not a date YYYYMMDD", t.get(c_end));
      if (bad.empty() && *e < *s) bad = fmt::format("end_date {} is before start_date {}", t.get(c_end), t.get(c_start));
      if (!bad.empty()) {
        rejected_services_[id] = t.where();
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, bad);
        continue;
      }
      gtfs::Service& sv = feed_.services[service(id)];
      sv.has_calendar = true;
      sv.weekdays = days;
      sv.start_day = *s;
      sv.end_day = *e;
      sv.row = t.row();
      ++counts("calendar.txt").kept;
    }
  }

  void read_calendar_dates() {
    Table t(src_, "calendar_dates.txt", false, opt_, counts("calendar_dates.txt"));
    if (!t.present()) return;
    const int c_id = t.col("service_id", true), c_date = t.col("date", true), c_type = t.col("exception_type", true);
    std::unordered_set<std::string> seen;
    while (t.next()) {
      const std::string id = t.get(c_id), date = t.get(c_date), type = t.get(c_type);
      if (id.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, "service_id is empty");
        continue;
      }
      if (const auto rj = rejected_services_.find(id); rj != rejected_services_.end()) {
        reject(t, ErrorCode::BadValue, RejectReason::UnknownReference,
               fmt::format("service '{}' was rejected ({})", id, rj->second));
        continue;
      }
      const auto d = gtfs::parse_date(date);
      if (!d) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, fmt::format("date '{}' is not a date YYYYMMDD", date));
        continue;
      }
      if (type != "1" && type != "2") {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue,
               fmt::format("exception_type '{}' is not 1 (added) or 2 (removed)", type));
        continue;
      }
      if (!seen.insert(id + '\n' + date).second) {
        reject(t, ErrorCode::BadValue, RejectReason::Duplicate,
               fmt::format("service '{}' has date {} twice", id, date));
        continue;
      }
      gtfs::Service& sv = feed_.services[service(id)];
      (type == "1" ? sv.added : sv.removed).push_back(*d);
      ++counts("calendar_dates.txt").kept;
    }
    for (auto& s : feed_.services) {
      std::sort(s.added.begin(), s.added.end());
      std::sort(s.removed.begin(), s.removed.end());
    }
  }

  // ---- shapes.txt ------------------------------------------------------------------------------
  struct ShapePoint {
    std::uint32_t seq;
    Point lonlat;
    double dist;
    std::int64_t row;
  };

  void read_shapes() {
    Table t(src_, "shapes.txt", false, opt_, counts("shapes.txt"));
    if (!t.present()) return;
    const int c_id = t.col("shape_id", true), c_lat = t.col("shape_pt_lat", true), c_lon = t.col("shape_pt_lon", true),
              c_seq = t.col("shape_pt_sequence", true), c_dist = t.col("shape_dist_traveled", false);
    std::unordered_map<std::string, std::size_t> by_id;
    std::vector<std::string> ids;
    std::vector<std::vector<ShapePoint>> pts;
    std::unordered_map<std::string, std::string> bad;  // shape id -> first bad row and why
    std::unordered_map<std::string, RejectReason> bad_reason;
    while (t.next()) {
      const std::string id = t.get(c_id);
      if (id.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, "shape_id is empty");
        continue;
      }
      auto [it, added] = by_id.emplace(id, ids.size());
      if (added) {
        ids.push_back(id);
        pts.emplace_back();
      }
      const std::string tlat = t.get(c_lat), tlon = t.get(c_lon), tseq = t.get(c_seq), tdist = t.get(c_dist);
      const auto lat = parse_number(tlat), lon = parse_number(tlon), seq = parse_number(tseq);
      std::string why;
      RejectReason reason = RejectReason::BadValue;
      ErrorCode code = ErrorCode::BadValue;
      double dist = std::nan("");
      if (!lat || !lon || !std::isfinite(*lat) || !std::isfinite(*lon) || std::abs(*lat) > 90 || std::abs(*lon) > 180 ||
          (*lat == 0 && *lon == 0)) {
        why = fmt::format("shape_pt_lat '{}' / shape_pt_lon '{}' are not a position", tlat, tlon);
        reason = RejectReason::BadCoordinate;
        code = ErrorCode::BadCoordinate;
      } else if (!seq || *seq < 0 || *seq != std::floor(*seq) || *seq > 4e9) {
        why = fmt::format("shape_pt_sequence '{}' is not a non-negative integer", tseq);
      } else if (!tdist.empty()) {
        const auto dv = parse_number(tdist);
        if (!dv || !std::isfinite(*dv) || *dv < 0) why = fmt::format("shape_dist_traveled '{}' is not a distance", tdist);
        else dist = *dv;
      }
      if (!why.empty()) {
        reject(t, code, reason, why);
        if (!bad.count(id)) bad[id] = t.where(), bad_reason[id] = reason;
        continue;
      }
      pts[it->second].push_back({static_cast<std::uint32_t>(*seq), {*lon, *lat}, dist, t.row()});
    }

    // Each shape by sequence; checked whole.
    std::vector<Point> all;
    for (std::size_t s = 0; s < ids.size(); ++s) {
      auto& p = pts[s];
      const std::string& id = ids[s];
      std::stable_sort(p.begin(), p.end(), [](const ShapePoint& a, const ShapePoint& b) { return a.seq < b.seq; });
      std::string why;
      RejectReason reason = RejectReason::OutOfOrder;
      std::int64_t at_row = p.empty() ? 0 : p.front().row;
      if (bad.count(id)) {
        why = fmt::format("its point at {} was rejected", bad[id]);
        reason = bad_reason[id];
      } else if (p.size() < 2) {
        why = fmt::format("shape '{}' has {} point(s); a shape needs two", id, p.size());
        reason = RejectReason::BadGeometry;
      }
      std::size_t with_dist = 0;
      for (std::size_t k = 0; k < p.size() && why.empty(); ++k) {
        with_dist += !std::isnan(p[k].dist);
        if (k == 0) continue;
        if (p[k].seq == p[k - 1].seq) {
          why = fmt::format("shape '{}' has shape_pt_sequence {} twice (rows {} and {})", id, p[k].seq, p[k - 1].row, p[k].row);
          at_row = p[k].row;
        } else if (!std::isnan(p[k].dist) && !std::isnan(p[k - 1].dist) && p[k].dist < p[k - 1].dist) {
          why = fmt::format("shape '{}': shape_dist_traveled goes backwards, {} at sequence {} then {} at sequence {}", id,
                            p[k - 1].dist, p[k - 1].seq, p[k].dist, p[k].seq);
          at_row = p[k].row;
        }
      }
      if (!why.empty()) {
        rejected_shapes_[id] = fmt::format("{}:row {}", t.file(), at_row);
        // The shape's rows not already rejected one by one go with it.
        if (!bad.count(id))
          reject_row(t.file(), "shapes.txt", at_row, ErrorCode::BadValue, reason,
                     fmt::format("{}; the shape's {} rows are left out", why, p.size()));
        else if (opt_.rejects)
          reject_row(t.file(), "shapes.txt", at_row, ErrorCode::BadValue, RejectReason::UnknownReference,
                     fmt::format("shape '{}' is left out: {}; with its {} other rows", id, why, p.size()));
        continue;
      }
      gtfs::Shape sh;
      sh.id = id;
      for (const auto& q : p) sh.points.push_back(q.lonlat);
      if (with_dist == p.size()) {
        for (const auto& q : p) sh.dist.push_back(q.dist);
      } else if (with_dist > 0) {
        ++rep_.shapes_without_distances;
      }
      for (const auto& q : sh.points) all.push_back(q);
      feed_.shape_ids.emplace(id, static_cast<Index>(feed_.shapes.size()));
      feed_.shapes.push_back(std::move(sh));
      counts("shapes.txt").kept += p.size();
    }
    if (feed_.shapes.empty()) return;
    const auto centre = robust_centre(all);
    auto tr = crs_.transform_from(nullptr, t.file(), "EPSG:4326", centre ? &*centre : nullptr);
    // A shape with a point outside the CRS's domain is rejected whole.
    std::vector<gtfs::Shape> kept;
    feed_.shape_ids.clear();
    for (auto& sh : feed_.shapes) {
      if (!tr->apply(sh.points)) {
        rejected_shapes_[sh.id] = t.file();
        reject_row(t.file(), "shapes.txt", 0, ErrorCode::BadCoordinate, RejectReason::BadCoordinate,
                   fmt::format("shape '{}': points cannot be transformed into {}", sh.id, crs_.describe()));
        counts("shapes.txt").kept -= sh.points.size();
        continue;
      }
      feed_.shape_ids.emplace(sh.id, static_cast<Index>(kept.size()));
      kept.push_back(std::move(sh));
    }
    feed_.shapes = std::move(kept);
  }

  // ---- trips.txt ------------------------------------------------------------------------------------
  void read_trips() {
    Table t(src_, "trips.txt", true, opt_, counts("trips.txt"));
    const int c_route = t.col("route_id", true), c_service = t.col("service_id", true), c_id = t.col("trip_id", true),
              c_head = t.col("trip_headsign", false), c_short = t.col("trip_short_name", false),
              c_dir = t.col("direction_id", false), c_block = t.col("block_id", false),
              c_shape = t.col("shape_id", false);
    while (t.next()) {
      gtfs::Trip tr;
      tr.row = t.row();
      tr.id = t.get(c_id);
      tr.headsign = t.get(c_head);
      tr.short_name = t.get(c_short);
      tr.block_id = t.get(c_block);
      if (tr.id.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, "trip_id is empty");
        continue;
      }
      if (feed_.trip_ids.count(tr.id) || rejected_trips_.count(tr.id)) {
        reject(t, ErrorCode::BadValue, RejectReason::Duplicate, fmt::format("trip_id '{}' is given twice", tr.id));
        continue;
      }
      std::string bad;
      RejectReason reason = RejectReason::UnknownReference;
      const std::string route = t.get(c_route), service = t.get(c_service), shape = t.get(c_shape),
                        dir = t.get(c_dir);
      auto ref = [&](const char* what, const std::string& id, const std::unordered_map<std::string, Index>& ids,
                     const RejectedIds& rejected, Index& out, bool optional) {
        if (!bad.empty()) return;
        if (id.empty()) {
          if (!optional) bad = fmt::format("{}_id is empty", what), reason = RejectReason::BadValue;
          return;
        }
        if (const auto rj = rejected.find(id); rj != rejected.end()) {
          bad = fmt::format("{} '{}' was rejected ({})", what, id, rj->second);
          return;
        }
        const auto it = ids.find(id);
        if (it == ids.end()) bad = fmt::format("{} '{}' is not in the feed", what, id);
        else out = it->second;
      };
      ref("route", route, feed_.route_ids, rejected_routes_, tr.route, false);
      ref("service", service, feed_.service_ids, rejected_services_, tr.service, false);
      ref("shape", shape, feed_.shape_ids, rejected_shapes_, tr.shape, true);
      if (bad.empty()) {
        if (dir.empty()) tr.direction = -1;
        else if (dir == "0" || dir == "1") tr.direction = static_cast<std::int8_t>(dir[0] - '0');
        else bad = fmt::format("direction_id '{}' is not 0 or 1", dir), reason = RejectReason::BadValue;
      }
      if (!bad.empty()) {
        rejected_trips_[tr.id] = t.where();
        reject(t, ErrorCode::BadValue, reason, bad);
        continue;
      }
      feed_.trip_ids.emplace(tr.id, static_cast<Index>(feed_.trips.size()));
      trip_raw_.push_back(opt_.rejects ? t.raw() : std::string());
      feed_.trips.push_back(std::move(tr));
    }
    t.require_rows();
  }

  // ---- stop_times.txt ----------------------------------------------------------------------------------
  struct RawStopTime {
    Index trip;
    gtfs::StopTime st;
    std::int64_t row;
  };

  void read_stop_times() {
    Table t(src_, "stop_times.txt", true, opt_, counts("stop_times.txt"));
    const int c_trip = t.col("trip_id", true), c_stop = t.col("stop_id", true), c_seq = t.col("stop_sequence", true),
              c_arr = t.col("arrival_time", false), c_dep = t.col("departure_time", false),
              c_dist = t.col("shape_dist_traveled", false);
    if (c_arr < 0 && c_dep < 0)
      throw Error(ErrorCode::MissingField, t.file(), "no arrival_time or departure_time column");
    const std::size_t ntrips = feed_.trips.size();
    // The first problem of each trip (its row and why) and how many of its rows were read.
    struct TripState {
      std::int64_t bad_row = 0;
      RejectReason reason{};
      ErrorCode code{};
      std::string why;
      std::size_t rows = 0, bad = 0;
    };
    std::vector<TripState> state(ntrips);
    std::vector<RawStopTime> rows;
    while (t.next()) {
      const std::string trip = t.get(c_trip), stop = t.get(c_stop), seq = t.get(c_seq), arr = t.get(c_arr),
                        dep = t.get(c_dep), dist = t.get(c_dist);
      const Index ti = feed_.find_trip(trip);
      if (ti == kNone) {
        if (rejected_trips_.count(trip)) {
          ++rep_.stop_times_of_rejected_trips;
          continue;
        }
        reject(t, ErrorCode::BadValue, trip.empty() ? RejectReason::BadValue : RejectReason::UnknownReference,
               trip.empty() ? "trip_id is empty" : fmt::format("trip '{}' is not in trips.txt", trip));
        continue;
      }
      TripState& ts = state[ti];
      ++ts.rows;
      RawStopTime r{ti, {}, t.row()};
      std::string why;
      RejectReason reason = RejectReason::BadValue;
      ErrorCode code = ErrorCode::BadValue;
      const Index si = feed_.find_stop(stop);
      const auto sq = parse_number(seq);
      if (si == kNone) {
        reason = RejectReason::UnknownReference;
        if (const auto rj = rejected_stops_.find(stop); rj != rejected_stops_.end())
          why = fmt::format("stop '{}' was rejected ({})", stop, rj->second);
        else why = stop.empty() ? "stop_id is empty" : fmt::format("stop '{}' is not in stops.txt", stop);
      } else if (feed_.stops[si].type != gtfs::LocationType::Stop) {
        why = fmt::format("stop '{}' is a station or entrance (location_type {}): a trip stops at platforms (0)", stop,
                          static_cast<int>(feed_.stops[si].type));
      } else if (!sq || *sq < 0 || *sq != std::floor(*sq) || *sq > 4e9) {
        why = fmt::format("stop_sequence '{}' is not a non-negative integer", seq);
      } else {
        r.st.stop = si;
        r.st.sequence = static_cast<std::uint32_t>(*sq);
        std::string tw;
        if (!arr.empty()) {
          if (auto v = gtfs::parse_service_time(arr, &tw)) r.st.arrival = *v;
          else why = "arrival_time: " + tw, reason = RejectReason::BadTime, code = ErrorCode::BadTime;
        }
        if (why.empty() && !dep.empty()) {
          if (auto v = gtfs::parse_service_time(dep, &tw)) r.st.departure = *v;
          else why = "departure_time: " + tw, reason = RejectReason::BadTime, code = ErrorCode::BadTime;
        }
        if (why.empty() && !dist.empty()) {
          const auto dv = parse_number(dist);
          if (!dv || !std::isfinite(*dv) || *dv < 0) why = fmt::format("shape_dist_traveled '{}' is not a distance", dist);
          else r.st.shape_dist = *dv;
        }
      }
      if (!why.empty()) {
        reject(t, code, reason, why);
        ++ts.bad;
        if (ts.bad_row == 0) ts.bad_row = t.row(), ts.reason = reason, ts.code = code, ts.why = why;
        continue;
      }
      if (ts.bad_row == 0) rows.push_back(std::move(r));
    }
    t.require_rows();

    // Group by trip and order by stop_sequence, in place (no second copy of the
    // largest file); the row breaks ties, so a repeated sequence keeps file order.
    std::sort(rows.begin(), rows.end(), [](const RawStopTime& x, const RawStopTime& y) {
      if (x.trip != y.trip) return x.trip < y.trip;
      if (x.st.sequence != y.st.sequence) return x.st.sequence < y.st.sequence;
      return x.row < y.row;
    });
    std::vector<std::uint32_t> start(ntrips + 1, 0);
    for (const auto& r : rows) ++start[r.trip + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<RawStopTime>& grouped = rows;
    feed_.stop_times.reserve(rows.size());

    std::vector<gtfs::Trip> kept;
    std::vector<Index> remap(ntrips, kNone);
    kept.reserve(ntrips);
    for (Index ti = 0; ti < ntrips; ++ti) {
      auto b = grouped.begin() + start[ti], e = grouped.begin() + start[ti + 1];
      const gtfs::Trip& trip = feed_.trips[ti];
      TripState& ts = state[ti];
      std::string why = ts.why;
      RejectReason reason = ts.reason;
      ErrorCode code = ts.code;
      if (!why.empty()) {
        why = fmt::format("stop_times.txt row {}: {}", ts.bad_row, why);
      } else if (e - b == 0) {
        why = "the trip has no stop_times rows", reason = RejectReason::BadValue, code = ErrorCode::BadValue;
      } else if (e - b < 2) {
        why = fmt::format("the trip has one stop time (stop_times.txt row {}); a trip needs two", b->row);
        reason = RejectReason::BadValue, code = ErrorCode::BadValue;
      } else {
        check_trip(b, e, why, reason, code);
      }
      if (!why.empty()) {
        const std::size_t others = ts.rows - ts.bad;
        rep_.stop_times_of_rejected_trips += others;
        rejected_trips_[trip.id] = fmt::format("{}/trips.txt:row {}", src_.given, trip.row);
        reject_row(src_.given + "/trips.txt", "trips.txt", trip.row, code, reason,
                   fmt::format("trip '{}' is left out: {}{}", trip.id, why,
                               others ? fmt::format("; its {}{} stop_times rows go with it", ts.bad ? "other " : "", others)
                                      : ""),
                   trip_raw_[ti]);
        continue;
      }
      remap[ti] = static_cast<Index>(kept.size());
      gtfs::Trip tr = trip;
      tr.first_stop_time = static_cast<std::uint32_t>(feed_.stop_times.size());
      tr.stop_time_count = static_cast<std::uint32_t>(e - b);
      for (auto it = b; it != e; ++it) feed_.stop_times.push_back(it->st);
      kept.push_back(std::move(tr));
    }
    rows = {};
    feed_.stop_times.shrink_to_fit();
    feed_.trips = std::move(kept);
    feed_.trip_ids.clear();
    for (Index i = 0; i < feed_.trips.size(); ++i) feed_.trip_ids.emplace(feed_.trips[i].id, i);
    counts("trips.txt").kept = feed_.trips.size();
    counts("stop_times.txt").kept = feed_.stop_times.size();
  }

  // Order, times and distances along one trip; fills missing times between timepoints.
  void check_trip(std::vector<RawStopTime>::iterator b, std::vector<RawStopTime>::iterator e, std::string& why,
                  RejectReason& reason, ErrorCode& code) {
    const std::size_t n = static_cast<std::size_t>(e - b);
    auto at = [&](std::size_t k) -> RawStopTime& { return *(b + static_cast<std::ptrdiff_t>(k)); };
    for (std::size_t k = 1; k < n; ++k)
      if (at(k).st.sequence == at(k - 1).st.sequence) {
        why = fmt::format("stop_sequence {} is given twice (stop_times.txt rows {} and {})", at(k).st.sequence,
                          at(k - 1).row, at(k).row);
        reason = RejectReason::OutOfOrder, code = ErrorCode::BadValue;
        return;
      }
    for (std::size_t k = 0; k < n; ++k) {
      auto& s = at(k).st;
      if (s.arrival == gtfs::kNoTime) s.arrival = s.departure;
      if (s.departure == gtfs::kNoTime) s.departure = s.arrival;
    }
    for (std::size_t k : {std::size_t{0}, n - 1})
      if (at(k).st.arrival == gtfs::kNoTime) {
        why = fmt::format("the trip's {} stop has no time (stop_times.txt row {}): first and last stops need one",
                          k == 0 ? "first" : "last", at(k).row);
        reason = RejectReason::BadTime, code = ErrorCode::BadTime;
        return;
      }
    // Times never go backwards: arrival <= departure at a stop, departure <= next arrival.
    std::size_t prev = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& s = at(k).st;
      if (s.arrival == gtfs::kNoTime) continue;
      if (s.departure < s.arrival) {
        why = fmt::format("departs at {} before it arrives at {} (stop_times.txt row {})",
                          gtfs::format_service_time(s.departure), gtfs::format_service_time(s.arrival), at(k).row);
        reason = RejectReason::OutOfOrder, code = ErrorCode::BadValue;
        return;
      }
      if (k > 0 && s.arrival < at(prev).st.departure) {
        why = fmt::format("times go backwards: departs stop_sequence {} at {} (row {}), arrives at stop_sequence {} at "
                          "{} (row {})",
                          at(prev).st.sequence, gtfs::format_service_time(at(prev).st.departure), at(prev).row,
                          s.sequence, gtfs::format_service_time(s.arrival), at(k).row);
        reason = RejectReason::OutOfOrder, code = ErrorCode::BadValue;
        return;
      }
      prev = k;
    }
    double last_dist = -1;
    std::size_t last_k = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double d = at(k).st.shape_dist;
      if (std::isnan(d)) continue;
      if (d < last_dist) {
        why = fmt::format("shape_dist_traveled goes backwards: {} at stop_sequence {} (row {}), {} at stop_sequence {} "
                          "(row {})",
                          last_dist, at(last_k).st.sequence, at(last_k).row, d, at(k).st.sequence, at(k).row);
        reason = RejectReason::OutOfOrder, code = ErrorCode::BadValue;
        return;
      }
      last_dist = d;
      last_k = k;
    }
    // Non-timepoints: times in proportion to the distance between the stops
    // (shape_dist_traveled where the feed gives it for the whole gap).
    for (std::size_t i = 0; i + 1 < n;) {
      std::size_t j = i + 1;
      while (at(j).st.arrival == gtfs::kNoTime) ++j;
      if (j > i + 1) {
        std::vector<double> cum(j - i + 1, 0.0);
        bool by_dist = true;
        for (std::size_t k = i; k <= j; ++k) by_dist = by_dist && !std::isnan(at(k).st.shape_dist);
        for (std::size_t k = i + 1; k <= j; ++k)
          cum[k - i] = cum[k - i - 1] + (by_dist ? at(k).st.shape_dist - at(k - 1).st.shape_dist
                                                 : distance(feed_.stops[at(k - 1).st.stop].pos, feed_.stops[at(k).st.stop].pos));
        const double total = cum.back();
        const double t0 = at(i).st.departure, t1 = at(j).st.arrival;
        for (std::size_t k = i + 1; k < j; ++k) {
          const double f = total > 0 ? cum[k - i] / total : static_cast<double>(k - i) / static_cast<double>(j - i);
          auto& s = at(k).st;
          s.arrival = s.departure = static_cast<gtfs::ServiceSeconds>(std::lround(t0 + f * (t1 - t0)));
          s.interpolated = true;
          ++rep_.interpolated_times;
        }
      }
      i = j;
    }
  }

  // ---- frequencies.txt ---------------------------------------------------------------------------------
  void read_frequencies() {
    Table t(src_, "frequencies.txt", false, opt_, counts("frequencies.txt"));
    if (!t.present()) return;
    const int c_trip = t.col("trip_id", true), c_start = t.col("start_time", true), c_end = t.col("end_time", true),
              c_head = t.col("headway_secs", true), c_exact = t.col("exact_times", false);
    while (t.next()) {
      const std::string trip = t.get(c_trip);
      const Index ti = feed_.find_trip(trip);
      if (ti == kNone) {
        const auto rj = rejected_trips_.find(trip);
        reject(t, ErrorCode::BadValue, RejectReason::UnknownReference,
               rj != rejected_trips_.end() ? fmt::format("trip '{}' was rejected ({})", trip, rj->second)
                                           : fmt::format("trip '{}' is not in trips.txt", trip));
        continue;
      }
      std::string tw;
      const auto s = gtfs::parse_service_time(t.get(c_start), &tw);
      if (!s) {
        reject(t, ErrorCode::BadTime, RejectReason::BadTime, "start_time: " + tw);
        continue;
      }
      const auto e = gtfs::parse_service_time(t.get(c_end), &tw);
      if (!e) {
        reject(t, ErrorCode::BadTime, RejectReason::BadTime, "end_time: " + tw);
        continue;
      }
      const auto h = parse_number(t.get(c_head));
      const std::string ex = t.get(c_exact);
      std::string bad;
      if (*e <= *s) bad = fmt::format("end_time {} is not after start_time {}", t.get(c_end), t.get(c_start));
      else if (!h || *h != std::floor(*h) || *h < 1 || *h > 86400)
        bad = fmt::format("headway_secs '{}' is not a number of seconds (1-86400)", t.get(c_head));
      else if (!ex.empty() && ex != "0" && ex != "1") bad = fmt::format("exact_times '{}' is not 0 or 1", ex);
      if (!bad.empty()) {
        reject(t, ErrorCode::BadValue, RejectReason::BadValue, bad);
        continue;
      }
      feed_.frequencies.push_back({ti, *s, *e, static_cast<std::int32_t>(*h), ex == "1", t.row()});
      ++counts("frequencies.txt").kept;
    }
  }

  FeedSource src_;
  CrsContext& crs_;
  const GtfsReadOptions& opt_;
  GtfsReport& rep_;
  gtfs::Feed feed_;
  RejectedIds rejected_stops_, rejected_routes_, rejected_services_, rejected_shapes_, rejected_trips_;
  std::vector<std::string> trip_raw_;
};

}  // namespace

std::string GtfsReport::summary(const RejectLog* rejects) const {
  auto kept = [&](const char* f) -> std::size_t {
    for (const auto& c : files)
      if (c.file == f) return c.kept;
    return 0;
  };
  std::string s = fmt::format("{}: {} stops, {} routes, {} trips, {} stop times, {} shape points; time zone {}{}", feed,
                              thousands(kept("stops.txt")), thousands(kept("routes.txt")), thousands(kept("trips.txt")),
                              thousands(kept("stop_times.txt")), thousands(kept("shapes.txt")), timezone,
                              timezone_from_agency ? "" : " (not in agency.txt: the default)");
  if (interpolated_times) s += fmt::format("; {} stop times interpolated between timepoints", thousands(interpolated_times));
  if (shapes_without_distances)
    s += fmt::format("; {} shapes have shape_dist_traveled on some points only (not used)", shapes_without_distances);
  if (rejects && rejects->size()) s += "; " + rejects->summary();
  if (stop_times_of_rejected_trips)
    s += fmt::format(" ({} stop_times rows left out with their rejected trips)", thousands(stop_times_of_rejected_trips));
  return s;
}

gtfs::Feed read_gtfs(const std::string& path, CrsContext& crs, const GtfsReadOptions& options, GtfsReport* report) {
  GtfsReport local;
  GtfsReport& rep = report ? *report : local;
  rep = {};
  Reader r(path, crs, options, rep);
  return r.read();
}

std::vector<GtfsFile> read_gtfs_files(const std::string& path, std::uint64_t max_file_bytes) {
  const FeedSource src = locate(path);
  std::vector<GtfsFile> out;
  for (const char* name : {"agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
                           "calendar_dates.txt", "shapes.txt", "frequencies.txt", "feed_info.txt"}) {
    const std::string p = src.base + name;
    VSIStatBufL st;
    if (VSIStatL(p.c_str(), &st) != 0) continue;
    const std::string where = src.given + "/" + name;
    if (static_cast<std::uint64_t>(st.st_size) > max_file_bytes)
      throw Error(ErrorCode::BadValue, where,
                  fmt::format("{} bytes uncompressed, above the limit of {} bytes", thousands(static_cast<std::size_t>(st.st_size)),
                              thousands(max_file_bytes)));
    VSILFILE* f = VSIFOpenL(p.c_str(), "rb");
    if (!f) throw Error(ErrorCode::FileUnreadable, where, "cannot open the file");
    GtfsFile g;
    g.name = name;
    g.content.resize(static_cast<std::size_t>(st.st_size));
    const std::size_t n = g.content.empty() ? 0 : VSIFReadL(g.content.data(), 1, g.content.size(), f);
    VSIFCloseL(f);
    if (n != g.content.size()) throw Error(ErrorCode::FileUnreadable, where, "read error");
    out.push_back(std::move(g));
  }
  return out;
}

// ---- A plain stop list ------------------------------------------------------------------------

namespace {

bool is_gid(const std::string& id, const char* prefix) {
  return id.size() == 16 && id.compare(0, 4, prefix) == 0 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<gtfs::Stop> read_stop_list(const std::string& path, CrsContext& crs, const StopListOptions& opt) {
  Dataset d = open_vector(path);
  OGRLayer* layer = pick_layer(d, opt.layer, kNoGeometry | kPoints, "stops");
  const std::string lname = layer->GetName();
  const std::string lwhere = fmt::format("{} layer {}", path, lname);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int f_id = find_field(defn, {}, {"stop_id", "id", "gid"}, lwhere);
  const int f_name = find_field(defn, {}, {"stop_name", "name", "namn"}, lwhere);
  const int f_lat = find_field(defn, {}, {"stop_lat", "lat", "latitude", "latitud"}, lwhere);
  const int f_lon = find_field(defn, {}, {"stop_lon", "lon", "lng", "longitude", "longitud"}, lwhere);
  const int f_platform = find_field(defn, {}, {"platform_code", "track", "läge", "lage"}, lwhere);
  const int f_parent = find_field(defn, {}, {"parent_station", "parent"}, lwhere);
  if (f_id < 0) throw Error(ErrorCode::MissingField, lwhere, "no stop id column (stop_id, id or gid)");
  if (f_lat < 0 || f_lon < 0) throw Error(ErrorCode::MissingField, lwhere, "no latitude/longitude columns");

  struct Row {
    gtfs::Stop s;
    std::string parent;
    std::string raw;
  };
  std::vector<Row> rows;
  std::unordered_set<std::string> seen;
  std::int64_t n = 0;
  layer->ResetReading();
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++n;
    Row r;
    r.s.row = n;
    r.s.id = field_text(*f, f_id);
    r.s.name = field_text(*f, f_name);
    r.s.platform_code = field_text(*f, f_platform);
    r.parent = field_text(*f, f_parent);
    const std::string where = fmt::format("{}:row {}", path, n);
    if (r.s.id.empty()) {
      reject_or_throw(opt.rejects, ErrorCode::BadValue, RejectReason::BadValue, path, where, n, "the stop id is empty",
                      raw_text(*f));
      continue;
    }
    if (!seen.insert(r.s.id).second) {
      reject_or_throw(opt.rejects, ErrorCode::BadValue, RejectReason::Duplicate, path, where, n,
                      fmt::format("stop id '{}' is given twice", r.s.id), raw_text(*f));
      continue;
    }
    const std::string tlat = field_text(*f, f_lat), tlon = field_text(*f, f_lon);
    const auto lat = parse_number(tlat), lon = parse_number(tlon);
    if (!lat || !lon || !std::isfinite(*lat) || !std::isfinite(*lon) || std::abs(*lat) > 90 || std::abs(*lon) > 180 ||
        (*lat == 0 && *lon == 0)) {
      reject_or_throw(opt.rejects, ErrorCode::BadCoordinate, RejectReason::BadCoordinate, path, where, n,
                      fmt::format("latitude '{}' / longitude '{}' are not a position", tlat, tlon), raw_text(*f));
      continue;
    }
    r.s.pos = {*lon, *lat};
    if (opt.rejects) r.raw = raw_text(*f);
    rows.push_back(std::move(r));
  }
  if (n == 0) throw Error(ErrorCode::EmptyLayer, lwhere, "the layer has no rows");

  std::vector<Point> pts;
  for (const auto& r : rows) pts.push_back(r.s.pos);
  const auto centre = robust_centre(pts);
  auto tr = crs.transform_from(nullptr, lwhere, "EPSG:4326", centre ? &*centre : nullptr);
  std::vector<unsigned char> ok;
  tr->apply(pts, &ok);
  // Parents: the column, or Västtrafik's GIDs. A stop naming a parent that is not
  // in the list is a reject (from the column) or stands alone (a GID whose area
  // row is not listed: the rule only applies where the area exists).
  std::unordered_map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (ok[i]) by_id.emplace(rows[i].s.id, i);
  const bool by_gid = f_parent < 0;
  std::vector<char> keep(rows.size(), 0), station(rows.size(), 0);
  std::vector<std::size_t> parent_of(rows.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& r = rows[i];
    const std::string where = fmt::format("{}:row {}", path, r.s.row);
    if (!ok[i]) {
      reject_or_throw(opt.rejects, ErrorCode::BadCoordinate, RejectReason::BadCoordinate, path, where, r.s.row,
                      "coordinates cannot be transformed into " + crs.describe(), r.raw);
      continue;
    }
    r.s.pos = pts[i];
    if (by_gid) {
      if (is_gid(r.s.id, "9021")) station[i] = 1;
      else if (is_gid(r.s.id, "9022")) r.parent = "9021" + r.s.id.substr(4, 9) + "000";
    }
    if (!r.parent.empty()) {
      const auto it = by_id.find(r.parent);
      if (it != by_id.end() && it->second != i) {
        parent_of[i] = it->second;
        station[it->second] = 1;
      } else if (!by_gid) {
        reject_or_throw(opt.rejects, ErrorCode::BadValue, RejectReason::UnknownReference, path, where, r.s.row,
                        fmt::format("parent '{}' is not in the list", r.parent), r.raw);
        continue;
      }
    }
    keep[i] = 1;
  }
  std::vector<gtfs::Stop> out;
  std::vector<Index> index(rows.size(), kNone);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!keep[i]) continue;
    index[i] = static_cast<Index>(out.size());
    out.push_back(rows[i].s);
    if (station[i]) out.back().type = gtfs::LocationType::Station;
  }
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (keep[i] && parent_of[i] < rows.size()) out[index[i]].parent = index[parent_of[i]];
  return out;
}

}  // namespace tryggve::io
