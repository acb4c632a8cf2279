#pragma once
// Incident files: CSV (.csv, .csv.gz, .txt) with lon/lat or x/y columns,
// GeoJSON, GeoPackage, Shapefile, FlatGeobuf with point geometries.
//
// Per-row problems are data, not errors: a row with a missing, NaN/inf or
// non-numeric coordinate, or one that cannot be transformed, becomes a
// Reject(BadCoordinate); a row whose time column is empty or not a time
// becomes a Reject(BadTime). Each reject carries the file, the 1-based row (the
// n-th data row of a CSV, the n-th feature of a layer), the reason and the
// row's own text. Rows outside the map are NOT rejected here: the map extent
// does that later. Whole-file problems throw tryggve::Error as the other readers
// do (see readers.hpp): missing file, unknown format, missing layer, empty
// layer, wrong geometry type, missing CRS, a mapped column that is not there.
#include <optional>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/incident.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/crs.hpp"

namespace tryggve::io {

// Which column is what. Empty = auto-detect, case-insensitive, first match wins:
//   id        id, incident_id, event_id, case_number, objectid
//   time      datetime, date_time, timestamp, occurred, occurred_at, reported_at, time, tid,
//             datum, date (a time-only column, e.g. "21:30", is joined to a date column)
//   category  category, offense, offence, crime_type, primary_type, event_type,
//             incident_type, type, brottstyp, kategori, typ
//   actor     actor, source, reporter, reported_by, kalla, källa, aktor
//   setting   setting, indoor_outdoor, location_setting, inomhus_utomhus, miljo
//   text      text, summary, description, notes, sammanfattning, beskrivning
//   weight    weight, count, antal
//   lon/lat   lon, lng, long, longitude / lat, latitude (WGS84)
//   x/y       x, easting / y, northing (in `source_crs`; as they are for --crs local)
// e.g. Houston: time/offense/lon/lat; Swedish police: id/datetime/type/lat/lon/summary;
// spatstat chicago: id/x/y/type. A layer with point geometry uses it unless
// lon/lat or x/y columns are named explicitly.
struct IncidentFieldMapping {
  std::string layer;  // "" = the only / first point (or table) layer
  std::string id, time, date, category, actor, setting, text, weight;
  std::string lon, lat, x, y;
  // CRS of x/y columns, or of a layer that declares none ("EPSG:2868").
  std::string source_crs;
  // 05/03/2024 is 5 March when true (European), 3 May when false (US).
  bool day_first = true;
  // Actor for rows without one (e.g. "police" for the police's own file).
  std::string default_actor;
  // The study area in the run CRS (the map stage gives the streets' extent). With
  // coordinate columns, when at most a tenth of the rows fall within it (grown by a
  // quarter, at least 1 km) but at least half would with the two columns
  // exchanged, the reader stops with Error(BadCoordinate) naming both columns:
  // swapped latitude and longitude (or x and y) are one mistake, not n rejects.
  std::optional<Envelope> expected_extent;
};

// Incident::parameter is left kNoParameter (the taxonomy classifies);
// Incident::id is the id column when it holds an integer, else the row number.
// Times without an offset are read in `zone`. A file without any time column
// gives incidents with has_time = false (and a warning), not rejects.
std::vector<Incident> read_incidents(const std::string& path, CrsContext& crs, const IncidentFieldMapping& mapping,
                                     const TimeZone& zone, RejectLog& rejects);

// Setting from free text: outdoor/ute/utomhus/outside -> Outdoor,
// indoor/inne/inomhus/inside -> Indoor, else Unknown.
Setting parse_setting(const std::string& text);

}  // namespace tryggve::io
