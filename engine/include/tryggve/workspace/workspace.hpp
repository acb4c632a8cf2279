#pragma once
// The workspace: a database (a GeoPackage file by default, PostgreSQL/PostGIS
// when several organisations share it) that remembers the district, every
// report taken in and the incidents made from them, month after month
// (issue 11). The tables are in schema.hpp and the README.
//
//   auto ws = Workspace::init("backa.gpkg", map_options);   // streets, areas, ... + addresses
//   auto ws = Workspace::open("PG:host=/run/pg dbname=backa");
//   intake(ws, {"polisen.csv"}, options);                    // intake.hpp
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/features.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/database.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/transit/system.hpp"
#include "tryggve/workspace/schema.hpp"

namespace tryggve::workspace {

// How one actor's files look, stored in `profiles` as JSON: which column is
// what, the actor's own category labels onto the 15 parameters, the time zone
// of its times and the setting of rows that do not say.
struct Profile {
  std::string name;
  std::string actor;
  io::IncidentFieldMapping fields;  // default_actor unused (the actor is the profile's)
  // Label as the actor writes it -> parameter code ("" = known, outside the parameters).
  std::vector<std::pair<std::string, std::string>> categories;
  std::string timezone;         // "" = the workspace's
  std::string default_setting;  // "", "outdoor", "indoor"

  nlohmann::json to_json() const;
  // Throws Error(BadWorkspace) naming `where` for a malformed profile.
  static Profile from_json(const nlohmann::json& j, const std::string& where);
};

struct WorkspaceInfo {
  int schema_version = 0;
  std::string backend;  // "GeoPackage", "PostgreSQL"
  std::string crs, timezone, created, software_version;
  std::vector<std::pair<std::string, std::int64_t>> tables;  // name, rows (schema order)
  std::string text() const;
};

class Workspace {
 public:
  // Creates a workspace from the map stage's inputs (streets required; areas,
  // parks, stops, lamps, places as `tryggve map` reads them, OSM files give
  // addresses too; options.gtfs a GTFS feed, stored with set_gtfs's tables),
  // in one transaction. Incidents are not read here (intake).
  static Workspace init(const std::string& target, const pipeline::MapOptions& options);
  // Opens one, migrating an older schema with `steps` up to `target_version`
  // (the defaults: this build's). Error(BadWorkspace) for a newer one.
  static Workspace open(const std::string& target, const std::vector<Migration>& steps = migrations(),
                        int target_version = kSchemaVersion);

  io::Database& db() { return *db_; }
  const io::CrsContext& crs() const { return crs_; }
  const TimeZone& zone() const { return zone_; }
  const std::string& timezone_name() const { return timezone_; }
  int schema_version() const { return schema_version_; }
  std::string meta(const std::string& key);

  WorkspaceInfo info();

  // The district as stored.
  network::Network load_network();
  std::vector<PolygonFeature> load_polygons(const std::string& table);  // areas, parks
  std::vector<PointFeature> load_points(const std::string& table);      // stops, places
  std::vector<AddressFeature> load_addresses();

  // Public transport. set_gtfs stores a GTFS feed (a .zip or a folder) in its
  // own transaction, replacing any earlier one: its files in transit_feed, the
  // lines and stations built from it in transit_lines / transit_stops (what
  // QGIS shows). Incidents already placed on the old feed keep their places.
  // Throws what io::read_gtfs and transit::build throw for a broken feed, and
  // leaves the workspace as it was.
  void set_gtfs(const std::string& feed);
  bool has_transit();
  std::string transit_feed_sha256();  // "" without a feed
  // The transit::System built from the stored feed (the files written to a
  // temporary folder and read with io::read_gtfs, as the run pipeline reads
  // the same feed); null without a feed. Kept while the stored feed's
  // feed_sha256 stays the same.
  std::shared_ptr<const transit::System> load_transit();

  // Profiles and actors.
  std::optional<Profile> profile(const std::string& name);
  std::string actor_profile(const std::string& actor);  // "" if none
  // Inside the caller's transaction.
  void save_profile(const Profile& p);
  void ensure_actor(const std::string& actor, const std::string& profile = {});

 private:
  Workspace() = default;
  // Inside the caller's transaction: the feed's files and the System's layers.
  void store_transit(const std::string& feed, const transit::System& sys);
  std::unique_ptr<io::Database> db_;
  io::CrsContext crs_;
  TimeZone zone_ = TimeZone::utc();
  std::string timezone_;
  int schema_version_ = 0;
  // The last System load_transit built, and the feed it was built from: a
  // process taking in month after month builds it once.
  std::shared_ptr<const transit::System> transit_;
  std::string transit_sha_;
};

// What kind of actor a name is (police, school, city_district, transit, parks,
// housing, property_owner, citizens), from Swedish and English words in it; "" if unclear.
std::string actor_kind(const std::string& name);

// "2026-12-02T18:11:55+01:00" for now in `zone`.
std::string now_iso(const TimeZone& zone);

}  // namespace tryggve::workspace
