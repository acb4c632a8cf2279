#pragma once
// GTFS feeds (https://gtfs.org/schedule/reference/) read as a whole: stops,
// routes, trips, stop_times, shapes, calendar, calendar_dates, frequencies and
// the agencies' time zone, from a .zip (GDAL's /vsizip/, also with the files in
// one sub-folder) or a folder, every file through GDAL's CSV driver. Coordinates
// come out in the run's CRS (crs.hpp), times as service-day seconds (core/gtfs.hpp).
//
// Whole-feed problems throw tryggve::Error naming the feed and the file:
//   FileNotFound    the feed, or a required file (stops, routes, trips, stop_times,
//                   and calendar or calendar_dates) is missing
//   MissingField    a required column is missing (the columns present are listed)
//   EmptyLayer      a required file has no rows
//   BadValue        a file beyond the size or row bounds (memory stays bounded:
//                   a country-wide feed is refused with the limit to raise, never
//                   cut short), agencies in different time zones
//   NoData          no trip is left after the rejects (the reasons are counted)
// Per-row problems are rejects when `rejects` is given (else the first one is an
// Error), each with its file, data row and reason, and nothing is dropped
// silently: a reject that other rows depend on takes them with it and says so
// (a rejected route rejects its trips, naming the route's row; a trip with one bad
// stop_times row is rejected whole, with the bad row and the count of its other
// rows). The reasons:
//   BadValue          a required value empty, a number or code that is not one
//   BadTime           a time not H:MM:SS / HH:MM:SS (hours may pass 24), a trip's
//                     first or last stop without a time
//   BadCoordinate     latitude/longitude missing, out of range, or 0,0
//   Duplicate         an id given twice (the first row is kept)
//   UnknownReference  a stop, parent station, route, service, shape or trip id that
//                     names nothing, or names a rejected row
//   OutOfOrder        a stop_sequence or shape_pt_sequence repeated, times going
//                     backwards along a trip, shape_dist_traveled decreasing
//   BadGeometry       a shape with fewer than two points
// Intermediate stops without times (non-timepoints) get times interpolated by
// the distance between the stops and are flagged (StopTime::interpolated).
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/gtfs.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/io/crs.hpp"

namespace tryggve::io {

struct GtfsReadOptions {
  // The feed's time zone when agency.txt is missing or states none.
  std::string default_timezone = "Europe/Stockholm";
  RejectLog* rejects = nullptr;
  // Bounds per file (uncompressed bytes, data rows). Västtrafik's whole feed is
  // about 7 million stop_times rows; Sweden's (Samtrafiken) about 25 million.
  std::uint64_t max_file_bytes = 4ull << 30;
  std::size_t max_rows = 30'000'000;
};

struct GtfsFileCounts {
  std::string file;  // "stop_times.txt"
  std::size_t rows = 0, kept = 0, rejected = 0;
  bool present = false;
};

struct GtfsReport {
  std::string feed;  // the path as given
  std::vector<GtfsFileCounts> files;  // in reading order
  std::string timezone;
  bool timezone_from_agency = false;
  std::size_t stop_times_of_rejected_trips = 0;  // rows left out with their rejected trip
  std::size_t interpolated_times = 0;            // stop times filled between timepoints
  std::size_t shapes_without_distances = 0;      // shape_dist_traveled on some points only: not used
  // "feed.zip: 1,204 stops, 12 routes, 3,411 trips, 61,220 stop times, 24 shapes; 7 rejected: ..."
  std::string summary(const RejectLog* rejects = nullptr) const;
};

gtfs::Feed read_gtfs(const std::string& path, CrsContext& crs, const GtfsReadOptions& options = {},
                     GtfsReport* report = nullptr);

// The feed's files as they are (the GTFS files read_gtfs knows, plus
// feed_info.txt; others are left out), from a .zip or a folder as read_gtfs
// finds them: for keeping a feed whole, e.g. in a workspace, and reading it
// again later with read_gtfs. Throws as read_gtfs does for a missing feed or
// a file above max_file_bytes; the content is not checked here.
struct GtfsFile {
  std::string name;     // "stops.txt"
  std::string content;  // the bytes
};
std::vector<GtfsFile> read_gtfs_files(const std::string& path, std::uint64_t max_file_bytes = 4ull << 30);

// A plain stop list (no timetable), e.g. Västtrafik's open stop register
// (name,id,lat,lon,weight,track): columns found by name, case-insensitive:
//   id        stop_id, id, gid;   name  stop_name, name, namn
//   lat/lon   stop_lat/stop_lon, lat/lon, latitude/longitude (WGS84)
//   platform  platform_code, track, läge, lage
//   parent    parent_station, parent
// Without a parent column, Västtrafik's GIDs give the hierarchy: a stop point
// 9022 0XX AAAAAA PPP (16 digits) belongs to the stop area 9021 0XX AAAAAA 000
// when that row exists; area rows (9021...) are stations, the rest stops.
// Rows with a missing id or a bad coordinate are rejects (or Errors without a
// RejectLog), a repeated id a Duplicate reject.
struct StopListOptions {
  RejectLog* rejects = nullptr;
  std::string layer;
};
std::vector<gtfs::Stop> read_stop_list(const std::string& path, CrsContext& crs, const StopListOptions& options = {});

}  // namespace tryggve::io
