#include "tryggve/workspace/intake.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/snap/edge_index.hpp"
#include "tryggve/snap/place_tagger.hpp"
#include "tryggve/snap/snapper.hpp"
#include "tryggve/taxonomy/classifier.hpp"
#include "tryggve/taxonomy/dedup.hpp"
#include "tryggve/transit/place.hpp"
#include "tryggve/workspace/gazetteer.hpp"

namespace tryggve::workspace {

namespace fs = std::filesystem;
using io::Database;
using io::FieldValue;

void IntakeOptions::declare(OptionSet& o) {
  o.text("actor", actor, "Who sent the files (police, a school, Västtrafik, a housing company ...)")
      .text("profile", profile, "Read the files with this stored profile (default: the actor's)")
      .text("save_profile", save_profile, "Store the columns and category mapping used as this profile, for the actor")
      .text("incidents_layer", layer, "Layer or sheet of the file (default: the only/first)")
      .text("id_field", id_field, "Id column (default: auto-detect)")
      .text("time_field", time_field, "Time column (default: auto-detect: Tidpunkt, Datum, Klockslag, time ...)")
      .text("date_field", date_field, "Separate date column, joined with a time-only column")
      .text("category_field", category_field, "Category column (default: Händelsetyp, Kategori, Typ, category ...)")
      .text("actor_field", actor_field, "Reporting actor column (default: Rapportör, Rapporterad av, actor ...)")
      .text("setting_field", setting_field, "Indoor/outdoor column")
      .text("text_field", text_field, "Free-text column (default: Kommentar, Beskrivning, Fritext, text ...)")
      .text("lon_field", lon_field, "Longitude column (WGS84; default: Longitud, lon ...)")
      .text("lat_field", lat_field, "Latitude column (WGS84; default: Latitud, lat ...)")
      .text("x_field", x_field, "x column (in --source-crs)")
      .text("y_field", y_field, "y column (in --source-crs)")
      .text("address_field", address_field, "Address column for rows without coordinates (default: Adress, Gatuadress, Plats ...)")
      .text("stop_field", stop_field, "Stop-name column for rows without coordinates (default: Hållplats, stop ...)")
      .text("source_crs", source_crs, "CRS of x/y columns, or of a layer that declares none")
      .flag("month_first", month_first, "Ambiguous dates are month first (US); default: day first")
      .text("timezone", timezone, "Time zone of times without an offset (default: the profile's, else the workspace's)")
      .choice("default_setting", default_setting, "Setting of rows that do not say", {"", "outdoor", "indoor"})
      .text("taxonomy", taxonomy, "Taxonomy file (default: the shipped 15 parameters)")
      .list("mappings", mappings, "Category mapping tables, in priority order: auto, polisen, houston, chicago, tryggve or CSV paths")
      .real("max_snap_distance_m", max_snap_distance_m, "Farthest a report may lie from a street (m)", 0.0, 1e6)
      .real("park_distance_m", park_distance_m, "A report this close to a park counts as at the park (m)", 0.0, 1e4)
      .real("stop_radius_m", stop_radius_m, "Nearest stop within this radius (m)", 0.0, 1e5)
      .real("dedup_distance_m", dedup_distance_m, "Same actor: duplicate reports at most this far apart (m)", 0.0, 1e4)
      .real("dedup_minutes", dedup_minutes, "Same actor: duplicate reports at most this many minutes apart", 0.0, 1e6)
      .real("cross_distance_m", cross.max_distance_m, "Cross-actor duplicates: at most this far apart (m)", 0.0, 1e4)
      .real("cross_minutes", cross.max_minutes, "Cross-actor duplicates: at most this many minutes apart", 0.0, 1e6)
      .real("link_score", cross.link_score, "Cross-actor pairs at or above this score are one incident", 0.0, 1.0)
      .real("review_score", cross.review_score, "Pairs from this score up to link_score go to duplicate_review", 0.0, 1.0);
}

std::string IntakeResult::summary() const {
  std::string s;
  for (const auto& f : files) {
    s += fmt::format("{}: {}", f.file, f.status);
    if (f.status != "unchanged")
      s += fmt::format(" as intake {}: {} rows read, {} reports stored ({} new incidents, {} linked to another "
                       "actor's incident, {} pairs to review), {} rejected",
                       f.intake_id, f.rows_read, f.reports, f.new_incidents, f.linked, f.review, f.rejected);
    s += '\n';
    for (const auto& [reason, n] : f.rejects_by_reason) s += fmt::format("    {} {}\n", n, reason);
  }
  return s;
}

std::string file_sha256(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) throw Error(ErrorCode::FileNotFound, path, "cannot open the file");
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::Internal, path, "SHA-256 is not available");
  std::vector<unsigned char> buf(1 << 16);
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0;) EVP_DigestUpdate(ctx.get(), buf.data(), n);
  if (std::ferror(f.get())) throw Error(ErrorCode::FileUnreadable, path, "read error");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

namespace {

const char* setting_text(Setting s) { return s == Setting::Outdoor ? "outdoor" : s == Setting::Indoor ? "indoor" : ""; }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// A candidate incident for cross-actor matching: one already in the workspace
// or one made earlier in this intake.
struct Candidate {
  std::int64_t id = 0;
  Point pos;
  std::int64_t time_utc = 0;
  ParameterId parameter = kNoParameter;
  std::vector<std::string> tokens;
  bool has_text = false;
  std::vector<std::string> actors;
  std::int64_t n_reports = 1;
  bool existing = false, changed = false;
};

// One incident to insert.
struct NewIncident {
  std::size_t candidate;  // index into the candidates
  std::size_t report;     // the first report (index into the placed rows)
};

// The context every file of one intake shares.
struct Context {
  Workspace& ws;
  const IntakeOptions& opt;
  const Taxonomy& taxonomy;
  const Classifier& classifier;
  io::IncidentFieldMapping mapping;
  TimeZone zone;
  std::unordered_map<std::string, std::string> profile_categories;  // normalised label -> code ("" = outside)
  std::string profile_name;
  Setting default_setting = Setting::Unknown;
  const network::Network& net;
  const snap::EdgeIndex& index;
  const snap::PlaceTagger& tagger;
  const Gazetteer& gazetteer;
  std::int64_t next_report = 1, next_incident = 1;
  // The workspace's GTFS feed, built once per intake on the first row that needs it.
  bool has_feed = false;
  std::shared_ptr<const transit::System> transit_system;
  std::unique_ptr<transit::Placer> placer;
  const transit::Placer& transit_placer() {
    if (!placer) {
      transit_system = ws.load_transit();
      placer = std::make_unique<transit::Placer>(*transit_system);
    }
    return *placer;
  }
};

// Removes an earlier intake's rows (its file was corrected): its reports and
// rejects, the links and review rows of those reports, the incidents that only
// those reports supported; incidents that other reports also support keep
// those, with their counts redone.
void remove_intake_rows(Database& db, std::int64_t intake_id) {
  const std::string reports = fmt::format("SELECT fid FROM reports WHERE intake_id = {}", intake_id);
  std::vector<std::int64_t> affected;
  for (const auto& r : db.query("SELECT DISTINCT incident_id FROM incident_reports WHERE report_id IN (" + reports + ")"))
    if (auto v = r.integer(0)) affected.push_back(*v);
  db.execute("DELETE FROM duplicate_review WHERE report_id IN (" + reports + ")");
  db.execute("DELETE FROM incident_reports WHERE report_id IN (" + reports + ")");
  db.execute(fmt::format("DELETE FROM reports WHERE intake_id = {}", intake_id));
  db.execute(fmt::format("DELETE FROM intake_rejects WHERE intake_id = {}", intake_id));
  for (std::size_t b = 0; b < affected.size(); b += 500) {
    std::vector<std::string> ids;
    for (std::size_t k = b; k < affected.size() && k < b + 500; ++k) ids.push_back(std::to_string(affected[k]));
    const std::string in = join(ids, ",");
    std::map<std::int64_t, std::pair<std::int64_t, std::set<std::string>>> left;  // incident -> reports, actors
    for (const auto& r : db.query("SELECT ir.incident_id, r.actor FROM incident_reports ir JOIN reports r ON r.fid = "
                                  "ir.report_id WHERE ir.incident_id IN (" + in + ")")) {
      auto& e = left[r.integer(0).value_or(0)];
      ++e.first;
      e.second.insert(r.text(1));
    }
    std::vector<std::string> gone;
    for (const auto& id : affected) {
      const auto it = left.find(id);
      if (it == left.end()) {
        gone.push_back(std::to_string(id));
        continue;
      }
      std::vector<std::string> actors(it->second.second.begin(), it->second.second.end());
      db.execute(fmt::format("UPDATE incidents SET n_reports = {}, n_actors = {}, actors = {} WHERE fid = {}",
                             it->second.first, actors.size(), Database::quote(join(actors, ",")), id));
    }
    if (!gone.empty()) {
      const std::string g = join(gone, ",");
      db.execute("DELETE FROM duplicate_review WHERE incident_id IN (" + g + ") OR candidate_incident_id IN (" + g + ")");
      db.execute("DELETE FROM incidents WHERE fid IN (" + g + ")");
    }
  }
}

FileIntake take_in(Context& c, const std::string& path) {
  auto& db = c.ws.db();
  FileIntake fi;
  fi.file = path;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error(ErrorCode::FileNotFound, path, "no such file");
  const std::string name = fs::path(path).filename().string();
  const std::string hash = file_sha256(path);
  const auto bytes = static_cast<long long>(fs::file_size(path, ec));
  if (const auto same = db.read("intakes", {"file_name"},
                                "content_sha256 = " + Database::quote(hash) + " AND status = 'committed'");
      !same.empty()) {
    fi.status = "unchanged";
    fi.intake_id = same.front().fid;
    log::info("{}: the same content was taken in as intake {} ({}): nothing added", path, same.front().fid,
              same.front().text(0));
    return fi;
  }

  // 1. Read.
  RejectLog rejects;
  io::CrsContext crs = c.ws.crs();
  io::IncidentTable table = io::read_incident_table(path, crs, c.mapping, c.zone, rejects);
  fi.rows_read = table.rows_read;
  bool has_actor_column = false;
  for (const auto& [role, _] : table.columns) has_actor_column = has_actor_column || role == "actor";
  if (c.opt.actor.empty() && !has_actor_column)
    throw Error(ErrorCode::Usage, path, "who sent this file? Name the actor with --actor (or give an actor column)");
  const std::string file_actor = c.opt.actor;

  auto reject = [&](const io::IncidentRow& row, RejectReason reason, std::string detail, const Point* pos) {
    Reject r;
    r.file = path;
    r.source_row = row.inc.source_row;
    r.reason = reason;
    r.detail = std::move(detail);
    if (pos) r.has_pos = true, r.pos = *pos;
    std::string raw;
    for (const auto& [k, v] : row.fields)
      if (!v.empty() && raw.size() < 300) raw += (raw.empty() ? "" : "; ") + k + "=" + v;
    r.raw = raw;
    rejects.add(std::move(r));
  };

  // 2. Place rows without coordinates; 3. classify.
  std::vector<std::string> placed_by(table.rows.size());
  std::vector<std::optional<transit::TransitPlace>> transit_of(table.rows.size());
  std::vector<Incident> incidents;
  std::unordered_map<std::int64_t, std::size_t> by_row;  // source_row -> index into table.rows
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    auto& row = table.rows[i];
    Incident& inc = row.inc;
    if (inc.actor.empty()) inc.actor = file_actor;
    if (inc.actor.empty()) {
      reject(row, RejectReason::BadValue, "no actor: the actor column is empty and no --actor was given", nullptr);
      continue;
    }
    if (!row.has_pos && row.address.empty() && row.stop.empty() && !c.has_feed) {
      // A line and a time alone: an on-board report, placed only from a GTFS feed's timetable.
      reject(row, RejectReason::UnknownAddress,
             fmt::format("an on-board report (line '{}') without a stop: the workspace holds no GTFS feed to place it "
                         "from the timetable; store one with `tryggve workspace set-gtfs W FEED`",
                         row.line),
             nullptr);
      continue;
    }
    // With a feed: a line or a stop and no coordinates is placed on the feed
    // (on board from the timetable, or at the feed's station).
    std::string feed_detail;
    if (!row.has_pos && row.address.empty() && c.has_feed) {
      const transit::TransitPlaceResult res = transit::place_row(c.transit_placer(), row.fields, inc.has_time, inc.time);
      if (res.placed) {
        inc.pos = res.place.pos;
        placed_by[i] = res.place.kind == transit::PlaceKind::OnBoard ? "timetable" : "gtfs_stop";
        transit_of[i] = res.place;
      } else if (res.asked != transit::PlaceKind::Stop || row.stop.empty()) {
        reject(row, res.reason, res.detail, nullptr);
        continue;
      } else {
        feed_detail = res.detail;  // a stop the feed does not know: the district's stops may
      }
    }
    if (!row.has_pos && placed_by[i].empty()) {
      const Placement p = !row.address.empty() ? c.gazetteer.locate_address(row.address) : c.gazetteer.locate_stop(row.stop);
      if (!p.found()) {
        reject(row, RejectReason::UnknownAddress,
               fmt::format("{}{}{}", p.status == Placement::Status::Ambiguous ? "ambiguous: " : "", p.detail,
                           feed_detail.empty() ? std::string() : "; in the GTFS feed: " + feed_detail),
               nullptr);
        continue;
      }
      inc.pos = p.pos;
      placed_by[i] = p.placed_by;
    } else if (row.has_pos) {
      placed_by[i] = "coordinates";
    }
    // The profile's own labels first, then the mapping tables.
    const std::string key = normalize_label(inc.category);
    if (auto it = c.profile_categories.find(key); it != c.profile_categories.end()) {
      if (it->second.empty()) {
        reject(row, RejectReason::UnknownCategory,
               fmt::format("category '{}' is outside the parameters (profile {})", inc.category, c.profile_name), &inc.pos);
        continue;
      }
      inc.parameter = *c.taxonomy.find(it->second);
    } else {
      const Classification cl = c.classifier.classify(inc.category);
      if (!cl.mapped()) {
        reject(row, RejectReason::UnknownCategory,
               cl.status == Classification::Status::Outside
                   ? fmt::format("category '{}' is outside the parameters ({})", inc.category, cl.table)
                   : fmt::format("category '{}' is in no mapping table: map it in the actor's profile (--mappings "
                                 "FILE.csv --save-profile NAME)",
                                 inc.category),
               &inc.pos);
        continue;
      }
      inc.parameter = cl.parameter;
    }
    if (inc.setting == Setting::Unknown) {
      const auto ps = c.taxonomy[inc.parameter].setting;
      inc.setting = ps == ParameterSetting::Outdoor ? Setting::Outdoor
                    : ps == ParameterSetting::Indoor ? Setting::Indoor
                                                     : c.default_setting;
    }
    by_row[inc.source_row] = i;
    incidents.push_back(inc);
  }

  // 4. Same-actor duplicates within the file (the map stage's rule), per actor.
  {
    std::map<std::string, std::vector<Incident>> per_actor;
    std::vector<Incident> on_board;  // each its own event (the run pipeline's rule for transit reports)
    for (auto& inc : incidents) {
      const auto& tp = transit_of[by_row.at(inc.source_row)];
      if (tp && tp->kind == transit::PlaceKind::OnBoard)
        on_board.push_back(std::move(inc));
      else
        per_actor[inc.actor].push_back(std::move(inc));
    }
    incidents = std::move(on_board);
    DedupOptions d;
    d.max_distance_m = c.opt.dedup_distance_m;
    d.max_minutes = c.opt.dedup_minutes;
    for (auto& [_, v] : per_actor)
      for (auto& inc : remove_duplicates(std::move(v), rejects, path, d)) incidents.push_back(std::move(inc));
    std::sort(incidents.begin(), incidents.end(),
              [](const Incident& a, const Incident& b) { return a.source_row < b.source_row; });
  }

  // 5. Snap and tag.
  snap::SnapOptions so;
  so.max_distance_m = c.opt.max_snap_distance_m;
  auto snapped = snap::snap_incidents(c.index, std::move(incidents), so, rejects, path);
  std::vector<Point> pts;
  for (const auto& s : snapped.snaps) pts.push_back(s.point);
  const auto tags = c.tagger.tag_all(pts);

  // A correction of an earlier file (same actor, same file name, new content).
  std::int64_t replaces = -1;
  if (!file_actor.empty()) {
    const auto prev = db.read("intakes", {"file_name"},
                              "file_name = " + Database::quote(name) + " AND actor = " + Database::quote(file_actor) +
                                  " AND status = 'committed'");
    if (!prev.empty()) {
      replaces = prev.back().fid;
      remove_intake_rows(db, replaces);
    }
  }
  const std::string started = now_iso(c.zone);
  const std::int64_t intake_id = db.insert(
      "intakes",
      {"file_name", "file_path", "content_sha256", "bytes", "actor", "profile", "format", "started", "started_utc",
       "status", "replaces_intake", "software_version"},
      {name, path, hash, bytes, file_actor, c.profile_name,
       table.separator ? fmt::format("CSV '{}' {}", table.separator == '\t' ? "\\t" : std::string(1, table.separator),
                                     table.encoding)
                       : table.layer,
       started, static_cast<long long>(std::time(nullptr)), "committed",
       replaces >= 0 ? FieldValue(replaces) : FieldValue(), kVersion});
  if (replaces >= 0)
    db.execute(fmt::format("UPDATE intakes SET status = 'replaced', replaced_by = {} WHERE fid = {}", intake_id, replaces));
  fi.intake_id = intake_id;
  fi.status = replaces >= 0 ? fmt::format("replaced intake {}", replaces) : "taken in";

  // 6. Match against incidents in the time window, in time order.
  const auto& placed = snapped.incidents;
  std::vector<std::size_t> order(placed.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (placed[a].has_time != placed[b].has_time) return placed[a].has_time;
    return placed[a].time.utc_seconds < placed[b].time.utc_seconds;
  });
  const auto window_s = static_cast<std::int64_t>(std::max(c.opt.cross.max_minutes, c.opt.dedup_minutes) * 60.0) + 1;
  std::vector<Candidate> cands;
  std::multimap<std::int64_t, std::size_t> by_time;
  std::int64_t tmin = INT64_MAX, tmax = INT64_MIN;
  for (const auto& p : placed)
    if (p.has_time) tmin = std::min(tmin, p.time.utc_seconds), tmax = std::max(tmax, p.time.utc_seconds);
  if (tmin <= tmax) {
    for (const auto& r : db.read("incidents", {"time_utc", "parameter", "text", "actors", "n_reports"},
                                 fmt::format("time_utc >= {} AND time_utc <= {}", tmin - window_s, tmax + window_s))) {
      Candidate k;
      k.id = r.fid;
      k.existing = true;
      if (const auto* pt = std::get_if<Point>(&r.geometry)) k.pos = *pt;
      k.time_utc = r.integer(0).value_or(0);
      if (auto p = c.taxonomy.find(r.text(1))) k.parameter = *p;
      const std::string text = r.text(2);
      k.has_text = !text.empty();
      k.tokens = text_tokens(text);
      k.actors = split(r.text(3), ',');
      k.n_reports = r.integer(4).value_or(1);
      by_time.emplace(k.time_utc, cands.size());
      cands.push_back(std::move(k));
    }
  }

  std::vector<std::int64_t> report_id(placed.size(), 0);
  for (std::size_t i = 0; i < placed.size(); ++i) report_id[i] = c.next_report++;
  struct Link {
    std::size_t report;
    std::size_t candidate;
    const char* kind;
    double score;
  };
  std::vector<Link> links;
  std::vector<NewIncident> fresh;
  struct Review {
    std::size_t report, candidate, made;
    MatchScore m;
  };
  std::vector<Review> reviews;
  std::vector<unsigned char> stored(placed.size(), 1);
  for (std::size_t i : order) {
    const Incident& inc = placed[i];
    const auto tokens = text_tokens(inc.text);
    const Point pos = snapped.snaps[i].point;
    const auto& tp = transit_of[by_row.at(inc.source_row)];
    const bool on_board_report = tp && tp->kind == transit::PlaceKind::OnBoard;
    std::size_t best = SIZE_MAX;
    MatchScore best_m;
    std::size_t dup = SIZE_MAX;
    if (inc.has_time) {
      const auto lo = by_time.lower_bound(inc.time.utc_seconds - window_s);
      const auto hi = by_time.upper_bound(inc.time.utc_seconds + window_s);
      for (auto it = lo; it != hi; ++it) {
        const Candidate& k = cands[it->second];
        if (std::find(k.actors.begin(), k.actors.end(), inc.actor) != k.actors.end()) {
          if (on_board_report) continue;  // never a same-actor duplicate (step 4)
          // The actor reported this incident already: the same-actor rule decides.
          if (k.parameter == inc.parameter && distance(pos, k.pos) <= c.opt.dedup_distance_m &&
              std::abs(k.time_utc - inc.time.utc_seconds) <= c.opt.dedup_minutes * 60.0)
            dup = it->second;
          continue;
        }
        const MatchScore m = match_score(c.taxonomy, c.opt.cross, pos, inc.time.utc_seconds, inc.parameter, tokens,
                                         !inc.text.empty(), k.pos, k.time_utc, k.parameter, k.tokens, k.has_text);
        if (m.score > best_m.score || (m.score == best_m.score && m.score > 0 && best != SIZE_MAX && k.id < cands[best].id))
          best_m = m, best = it->second;
      }
    }
    if (dup != SIZE_MAX) {
      stored[i] = 0;
      const auto& row = table.rows[by_row.at(inc.source_row)];
      reject(row, RejectReason::Duplicate,
             fmt::format("same report as incident {} already holds from {} (within {} m and {} min)", cands[dup].id,
                         inc.actor, c.opt.dedup_distance_m, c.opt.dedup_minutes),
             &inc.pos);
      continue;
    }
    if (best != SIZE_MAX && best_m.score >= c.opt.cross.link_score) {
      Candidate& k = cands[best];
      k.actors.push_back(inc.actor);
      ++k.n_reports;
      k.changed = true;
      links.push_back({i, best, "cross_actor", best_m.score});
      ++fi.linked;
      continue;
    }
    Candidate k;
    k.id = c.next_incident++;
    k.pos = pos;
    k.time_utc = inc.has_time ? inc.time.utc_seconds : 0;
    k.parameter = inc.parameter;
    k.tokens = tokens;
    k.has_text = !inc.text.empty();
    k.actors = {inc.actor};
    const std::size_t ki = cands.size();
    if (inc.has_time) by_time.emplace(k.time_utc, ki);
    cands.push_back(std::move(k));
    fresh.push_back({ki, i});
    links.push_back({i, ki, "first", 1.0});
    if (best != SIZE_MAX && best_m.score >= c.opt.cross.review_score) reviews.push_back({i, best, ki, best_m});
  }

  // Write: reports, new incidents, links, reviews, changed incidents, rejects.
  const std::vector<std::string> report_cols = {"intake_id", "actor",    "source_file", "source_row", "source_id",
                                                "raw_json",  "time",     "time_utc",    "month",      "category",
                                                "parameter", "setting",  "address",     "placed_by",  "snap_distance_m",
                                                "edge_id",   "text"};
  for (std::size_t i = 0; i < placed.size(); ++i) {
    if (!stored[i]) continue;
    const Incident& inc = placed[i];
    const std::size_t ri = by_row.at(inc.source_row);
    const auto& row = table.rows[ri];
    nlohmann::json raw = nlohmann::json::object();
    for (const auto& [k, v] : row.fields) raw[k] = v;
    const auto& tp = transit_of[ri];
    const std::string where = tp ? transit::describe(*tp) : !row.address.empty() ? row.address : row.stop;
    db.insert("reports", report_cols,
              {intake_id, inc.actor, name, static_cast<long long>(inc.source_row), std::to_string(inc.id),
               raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
               inc.has_time ? FieldValue(to_iso8601(inc.time)) : FieldValue(),
               inc.has_time ? FieldValue(static_cast<long long>(inc.time.utc_seconds)) : FieldValue(),
               inc.has_time ? FieldValue(month_label(month_index(inc.time))) : FieldValue(), inc.category,
               c.taxonomy[inc.parameter].code, setting_text(inc.setting), where, placed_by[ri],
               snapped.snaps[i].distance, snapped.snaps[i].edge, inc.text},
              inc.pos, report_id[i]);
    ++fi.reports;
  }
  const std::vector<std::string> inc_cols = {
      "edge_id",  "offset_m",  "time",      "time_utc",  "month",     "parameter", "parameter_sv",
      "parameter_en", "severity", "setting", "park_id",   "park_name", "stop_id",   "stop_name",
      "area_id",  "area_name", "n_reports", "n_actors",  "actors",    "first_report_id", "text",
      "place_type", "line", "transit_mode", "transit_from", "transit_to", "transit_stop", "transit_stop_id",
      "stretch_m", "uncertain"};
  auto idx = [](std::uint32_t v) { return v == snap::kNoPlace ? FieldValue() : FieldValue(v); };
  for (const auto& n : fresh) {
    const Candidate& k = cands[n.candidate];
    const Incident& inc = placed[n.report];
    const auto& s = snapped.snaps[n.report];
    const auto& t = tags[n.report];
    const Parameter& p = c.taxonomy[inc.parameter];
    const auto& tp = transit_of[by_row.at(inc.source_row)];
    const bool onb = tp && tp->kind == transit::PlaceKind::OnBoard;
    std::vector<std::string> actors = k.actors;
    std::sort(actors.begin(), actors.end());
    actors.erase(std::unique(actors.begin(), actors.end()), actors.end());
    db.insert("incidents", inc_cols,
              {s.edge, s.offset, inc.has_time ? FieldValue(to_iso8601(inc.time)) : FieldValue(),
               inc.has_time ? FieldValue(static_cast<long long>(inc.time.utc_seconds)) : FieldValue(),
               inc.has_time ? FieldValue(month_label(month_index(inc.time))) : FieldValue(), p.code, p.name_sv,
               p.name_en, p.weight, setting_text(inc.setting), idx(t.park),
               t.park == snap::kNoPlace ? FieldValue() : FieldValue(c.tagger.parks()[t.park].name), idx(t.stop),
               t.stop == snap::kNoPlace ? FieldValue() : FieldValue(c.tagger.stops()[t.stop].name), idx(t.area),
               t.area == snap::kNoPlace ? FieldValue() : FieldValue(c.tagger.areas()[t.area].name),
               static_cast<long long>(k.n_reports), actors.size(), join(actors, ","), report_id[n.report], inc.text,
               tp ? FieldValue(transit::to_string(tp->kind)) : FieldValue(),
               tp && !tp->line.empty() ? FieldValue(tp->line) : FieldValue(),
               tp && !tp->mode.empty() ? FieldValue(tp->mode) : FieldValue(),
               onb ? FieldValue(tp->from_stop) : FieldValue(), onb ? FieldValue(tp->to_stop) : FieldValue(),
               tp && !onb ? FieldValue(tp->station_name) : FieldValue(),
               tp && !onb ? FieldValue(tp->station_id) : FieldValue(),
               onb ? FieldValue(tp->stretch_m) : FieldValue(), onb ? FieldValue(tp->uncertain) : FieldValue()},
              s.point, k.id);
    ++fi.new_incidents;
  }
  for (const auto& l : links)
    if (stored[l.report])
      db.insert("incident_reports", {"incident_id", "report_id", "link", "score"},
                {cands[l.candidate].id, report_id[l.report], l.kind, l.score});
  const std::string now = now_iso(c.zone);
  for (const auto& r : reviews) {
    db.insert("duplicate_review",
              {"report_id", "incident_id", "candidate_incident_id", "score", "distance_m", "minutes", "parameter_score",
               "text_score", "status", "created"},
              {report_id[r.report], cands[r.made].id, cands[r.candidate].id, r.m.score, r.m.distance_m, r.m.minutes,
               r.m.parameter, r.m.text, "open", now});
    ++fi.review;
  }
  for (const auto& k : cands) {
    if (!k.existing || !k.changed) continue;
    std::vector<std::string> actors = k.actors;
    std::sort(actors.begin(), actors.end());
    actors.erase(std::unique(actors.begin(), actors.end()), actors.end());
    db.execute(fmt::format("UPDATE incidents SET n_reports = {}, n_actors = {}, actors = {} WHERE fid = {}", k.n_reports,
                           actors.size(), Database::quote(join(actors, ",")), k.id));
  }
  // Actors named in the rows (a combined export) are remembered like --actor.
  std::set<std::string> row_actors;
  for (std::size_t i = 0; i < placed.size(); ++i)
    if (stored[i] && placed[i].actor != file_actor) row_actors.insert(placed[i].actor);
  for (const auto& a : row_actors) c.ws.ensure_actor(a);
  rejects.sort();
  for (const auto& r : rejects.items()) {
    db.insert("intake_rejects", {"intake_id", "file", "source_row", "reason", "detail", "raw"},
              {intake_id, name, static_cast<long long>(r.source_row), to_string(r.reason), r.detail, r.raw},
              r.has_pos ? io::Geometry(r.pos) : io::Geometry());
    if (r.reason == RejectReason::Duplicate) ++fi.duplicates;
  }
  fi.rejected = rejects.size();
  for (const auto& [reason, n] : rejects.counts()) fi.rejects_by_reason.emplace_back(to_string(reason), n);
  if (fi.reports + fi.rejected != fi.rows_read)
    throw Error(ErrorCode::Internal, path,
                fmt::format("{} rows read but {} reports + {} rejects: a row was lost", fi.rows_read, fi.reports,
                            fi.rejected));
  db.execute(fmt::format(
      "UPDATE intakes SET rows_read = {}, rows_placed = {}, rows_rejected = {}, duplicates = {}, cross_actor_links = "
      "{}, review_pairs = {}, new_incidents = {}, finished = {} WHERE fid = {}",
      fi.rows_read, fi.reports, fi.rejected, fi.duplicates, fi.linked, fi.review, fi.new_incidents,
      Database::quote(now_iso(c.zone)), intake_id));
  return fi;
}

}  // namespace

IntakeResult intake(Workspace& ws, const std::vector<std::string>& files, const IntakeOptions& opt) {
  if (files.empty()) throw Error(ErrorCode::Usage, "intake", "no files given");
  const Taxonomy taxonomy = opt.taxonomy.empty() ? Taxonomy::load_default() : Taxonomy::load(opt.taxonomy);

  // The profile: named, else the actor's.
  std::string profile_name = opt.profile;
  if (profile_name.empty() && !opt.actor.empty()) profile_name = ws.actor_profile(opt.actor);
  std::optional<Profile> prof;
  if (!profile_name.empty()) {
    prof = ws.profile(profile_name);
    if (!prof) throw Error(ErrorCode::BadOption, "--profile", fmt::format("no profile '{}' in {}", profile_name, ws.db().name()));
  }
  io::IncidentFieldMapping m = prof ? prof->fields : io::IncidentFieldMapping{};
  auto over = [](std::string& target, const std::string& given) {
    if (!given.empty()) target = given;
  };
  over(m.layer, opt.layer), over(m.id, opt.id_field), over(m.time, opt.time_field), over(m.date, opt.date_field);
  over(m.category, opt.category_field), over(m.actor, opt.actor_field), over(m.setting, opt.setting_field);
  over(m.text, opt.text_field), over(m.lon, opt.lon_field), over(m.lat, opt.lat_field), over(m.x, opt.x_field);
  over(m.y, opt.y_field), over(m.address, opt.address_field), over(m.stop, opt.stop_field);
  over(m.source_crs, opt.source_crs);
  if (opt.month_first) m.day_first = false;
  std::string tz = !opt.timezone.empty() ? opt.timezone : prof && !prof->timezone.empty() ? prof->timezone : ws.timezone_name();
  std::string setting = !opt.default_setting.empty() ? opt.default_setting : prof ? prof->default_setting : "";

  // The profile's categories, plus any CSV mapping tables given now (saved with the profile).
  std::vector<std::pair<std::string, std::string>> categories = prof ? prof->categories : decltype(categories){};
  for (const auto& t : opt.mappings)
    if (t.find('/') != std::string::npos || (t.size() > 4 && t.compare(t.size() - 4, 4, ".csv") == 0))
      for (const auto& row : Classifier::read_table(t)) categories.emplace_back(row.source_category, row.parameter);
  std::unordered_map<std::string, std::string> profile_categories;
  for (const auto& [label, code] : categories) {
    if (!code.empty() && !taxonomy.find(code))
      throw Error(ErrorCode::BadTaxonomy, fmt::format("profile {} category '{}'", profile_name, label),
                  fmt::format("'{}' is not a parameter of the taxonomy", code));
    profile_categories[normalize_label(label)] = code;
  }
  // Only the shipped tables go to the classifier: the CSV tables are the profile's.
  std::vector<std::string> shipped;
  for (const auto& t : opt.mappings)
    if (!(t.find('/') != std::string::npos || (t.size() > 4 && t.compare(t.size() - 4, 4, ".csv") == 0))) shipped.push_back(t);
  if (shipped.empty()) shipped.push_back("auto");
  const Classifier classifier(taxonomy, shipped);

  // The district, as stored.
  const network::Network net = ws.load_network();
  // Swapped lat/lon columns are one named mistake, as in the map stage (io/incidents.hpp).
  m.expected_extent = net.extent();
  const snap::EdgeIndex index(net);
  auto stops = ws.load_points("stops");
  snap::PlaceTagOptions to;
  to.park_distance_m = opt.park_distance_m;
  to.stop_radius_m = opt.stop_radius_m;
  const snap::PlaceTagger tagger(ws.load_polygons("parks"), stops, ws.load_polygons("areas"), to);
  const Gazetteer gazetteer(ws.load_addresses(), net, std::move(stops));

  Context c{ws, opt, taxonomy, classifier, m, TimeZone::from_name(tz), profile_categories, profile_name,
            setting == "outdoor" ? Setting::Outdoor : setting == "indoor" ? Setting::Indoor : Setting::Unknown,
            net, index, tagger, gazetteer};
  c.has_feed = ws.has_transit();

  auto& db = ws.db();
  io::Transaction tx(db);
  // Ids are handed out here, under the write lock, so reports and incidents
  // can be linked before they are written.
  auto next_id = [&](const char* table) {
    io::DbRow r;
    r.values.push_back(db.scalar(fmt::format("SELECT MAX(fid) FROM {}", table)));
    return r.integer(0).value_or(0) + 1;
  };
  c.next_report = next_id("reports");
  c.next_incident = next_id("incidents");
  IntakeResult result;
  for (const auto& f : files) result.files.push_back(take_in(c, f));
  if (!opt.actor.empty()) ws.ensure_actor(opt.actor, opt.save_profile.empty() ? std::string() : opt.save_profile);
  if (!opt.save_profile.empty()) {
    Profile p;
    p.name = opt.save_profile;
    p.actor = opt.actor;
    p.fields = m;
    // What was found in the first file becomes explicit, so the next file of this
    // actor is read the same way even if its header order changes.
    io::CrsContext probe_crs = ws.crs();
    RejectLog ignore;
    for (const auto& f : files) {
      try {
        const auto t = io::read_incident_table(f, probe_crs, m, c.zone, ignore);
        for (const auto& [role, header] : t.columns) {
          std::string* slot = role == "id" ? &p.fields.id : role == "time" ? &p.fields.time : role == "date" ? &p.fields.date
                            : role == "category" ? &p.fields.category : role == "actor" ? &p.fields.actor
                            : role == "setting" ? &p.fields.setting : role == "text" ? &p.fields.text
                            : role == "weight" ? &p.fields.weight : role == "address" ? &p.fields.address
                            : role == "stop" ? &p.fields.stop : role == "lon" ? &p.fields.lon : role == "lat" ? &p.fields.lat
                            : role == "x" ? &p.fields.x : role == "y" ? &p.fields.y : nullptr;
          if (slot && slot->empty()) *slot = header;
        }
        break;
      } catch (const Error&) {
        continue;
      }
    }
    p.categories = categories;
    p.timezone = opt.timezone.empty() && prof ? prof->timezone : opt.timezone;
    p.default_setting = setting;
    ws.save_profile(p);
  }
  if (opt.before_commit) opt.before_commit();
  tx.commit();
  return result;
}

}  // namespace tryggve::workspace
