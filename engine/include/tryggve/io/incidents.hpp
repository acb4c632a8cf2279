#pragma once
// Incident files: CSV (.csv, .csv.gz, .txt, .tsv; comma, semicolon or tab) with
// lon/lat or x/y columns, Excel .xlsx and LibreOffice .ods sheets, GeoJSON,
// GeoPackage, Shapefile, FlatGeobuf with point geometries.
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
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/incident.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/crs.hpp"

namespace tryggve::io {

// Which column is what. Empty = auto-detect: the header is compared
// case-insensitively with Swedish letters folded the same way (Å/å, Ä/ä, Ö/ö),
// spaces, hyphens and dots read as '_', first match wins:
//   id        id, incident_id, event_id, case_number, objectid, ärendenummer, ärende_id, diarienummer
//   time      datetime, date_time, timestamp, occurred, occurred_at, reported_at, tidpunkt,
//             händelsetid, datum_och_tid, datum_tid, time, tid, klockslag, kl, datum, date
//             (a time-only column, e.g. "21:30" in Klockslag, is joined to a date column)
//   category  category, offense, offence, crime_type, primary_type, event_type, incident_type,
//             type, brottstyp, händelsetyp, händelsekategori, kategori, typ, ärendetyp, händelse
//   actor     actor, source, reporter, reported_by, kalla, källa, aktor, aktör, rapportör,
//             rapporterad_av, inrapportör, anmälare, organisation
//   setting   setting, indoor_outdoor, location_setting, inomhus_utomhus, inne_ute, miljo, miljö
//   text      text, summary, description, notes, comment, sammanfattning, beskrivning, kommentar,
//             fritext, anteckning, notering, meddelande
//   weight    weight, count, antal
//   lon/lat   lon, lng, long, longitude, longitud / lat, latitude, latitud (WGS84)
//   x/y       x, easting, östlig / y, northing, nordlig (in `source_crs`; as they are for --crs local)
//   address   address, street_address, adress, gatuadress, besöksadress, plats, location
//   stop      stop, stop_name, hållplats, hållplatsnamn, hpl
//   line      linje, line, route, linjenummer, route_short_name, linje_nr (a public-transport
//             line: a row with a line and no coordinates is kept for on-board placement)
// e.g. Houston: time/offense/lon/lat; Swedish police: id/datetime/type/lat/lon/summary;
// spatstat chicago: id/x/y/type; a school's sheet: Datum/Klockslag/Händelsetyp/Adress/Kommentar.
// A layer with point geometry uses it unless lon/lat or x/y columns are named explicitly.
struct IncidentFieldMapping {
  std::string layer;  // "" = the only / first point (or table) layer
  std::string id, time, date, category, actor, setting, text, weight;
  std::string lon, lat, x, y;
  std::string address, stop, line;
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

// One row as read, before it is placed. `inc.pos` (in the run's CRS) is valid
// only when `has_pos`; a row without coordinates is kept (not rejected) when it
// has an address or a stop name to be placed by instead.
struct IncidentRow {
  Incident inc;
  bool has_pos = false;
  std::string address;  // the address column's text ("" if none)
  std::string stop;     // the stop column's text
  std::string line;     // the line column's text (on board: transit/place.hpp)
  // Every column as read (header, text), UTF-8: the report's raw fields.
  std::vector<std::pair<std::string, std::string>> fields;
};

// What the reader found: the columns it used for each role (header names, for
// a saved profile), and how the file was written.
struct IncidentTable {
  std::vector<IncidentRow> rows;
  std::size_t rows_read = 0;  // data rows / features; rows.size() + the rejects added
  std::vector<std::pair<std::string, std::string>> columns;  // role -> header ("time" -> "Tidpunkt")
  std::string layer;
  std::string encoding;   // "UTF-8", "UTF-8 with BOM", "Windows-1252" (text files) or ""
  char separator = 0;     // CSV: ',', ';' or '\t'
  bool decimal_comma = false;  // "57,7" read as 57.7 (semicolon/tab CSV, spreadsheets)
};

// Limits that keep a hostile or broken file from taking the process down:
// past them the file is refused (Error(BadValue)) or the row rejected, never cut.
inline constexpr std::uintmax_t kMaxIncidentFileBytes = 1ull << 30;  // 1 GiB
inline constexpr std::uintmax_t kMaxSpreadsheetBytes = 64ull << 20;  // .xlsx/.ods: GDAL holds the whole sheet in memory
inline constexpr int kMaxIncidentColumns = 512;
inline constexpr std::size_t kMaxFieldChars = 1u << 16;              // one cell
inline constexpr int kMaxCsvLineBytes = 1 << 20;                     // one CSV line

// Reads every row. Per-row problems go to `rejects` as read_incidents says;
// rows without coordinates but with an address or stop name are returned with
// has_pos = false (also rows with only a line). A CSV's encoding and separator are decided per file as
// every reader decides them (io's open_vector, core/text.hpp's rule: UTF-8 with
// or without BOM, UTF-16, otherwise Windows-1252 as Swedish Excel writes). A number with a decimal comma is read only where
// the comma cannot be a separator or a thousands mark: semicolon- and
// tab-separated files and spreadsheets; in a comma-separated file "1,234" is a
// reject, never 1.234.
IncidentTable read_incident_table(const std::string& path, CrsContext& crs, const IncidentFieldMapping& mapping,
                                  const TimeZone& zone, RejectLog& rejects);

// Incident::parameter is left kNoParameter (the taxonomy classifies);
// Incident::id is the id column when it holds an integer, else the row number.
// Times without an offset are read in `zone`. A file without any time column
// gives incidents with has_time = false (and a warning), not rejects. Rows
// without coordinates are rejects (BadCoordinate), also those with an address:
// only the workspace's intake can place an address.
std::vector<Incident> read_incidents(const std::string& path, CrsContext& crs, const IncidentFieldMapping& mapping,
                                     const TimeZone& zone, RejectLog& rejects);

// Setting from free text: outdoor/ute/utomhus/outside -> Outdoor,
// indoor/inne/inomhus/inside -> Indoor, else Unknown.
Setting parse_setting(const std::string& text);

}  // namespace tryggve::io
