// Incident files (io/incidents.hpp) through GDAL from memory: CSV (with the
// encoding and separator detection of the readers), TSV, .txt and GeoJSON, in a
// metric, the local and the automatic CRS. Input: byte 0 chooses the format
// (bits 0-1), the CRS (bits 2-3), the date order (bit 4) and named coordinate
// columns (bit 5) and the reader (bit 6: read_incident_table, the workspace
// intake's, which keeps rows with an address or stop and no coordinates); the
// rest is the file. Checks: every row is either an incident (finite position,
// numbered by its row; for the intake's reader a row without a position has an
// address or stop) or one reject with a reason: together they are rows 1..n,
// each once.
#include "fuzz_common.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include <cpl_vsi.h>
#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/io/incidents.hpp"

namespace tryggve::fuzz {

int incidents(std::string_view input) {
  quiet();
  if (input.empty()) return 0;
  static const TimeZone zone = TimeZone::from_name("Europe/Stockholm");
  const auto sel = static_cast<unsigned char>(input[0]);
  std::string body(input.substr(1));
  static const char* const exts[] = {".csv", ".txt", ".geojson", ".tsv"};
  static const char* const crss[] = {"EPSG:3006", "local", "auto", "EPSG:3006"};
  static std::atomic<unsigned> serial{0};
  const std::string path = fmt::format("/vsimem/tryggve_fuzz_{}/incidents{}", serial++, exts[sel & 3]);
  VSIFCloseL(VSIFileFromMemBuffer(path.c_str(), reinterpret_cast<GByte*>(body.data()), body.size(), FALSE));
  struct Unlink {
    const std::string& p;
    ~Unlink() { VSIUnlink(p.c_str()); }
  } unlink{path};

  io::IncidentFieldMapping m;
  m.day_first = sel & 16;
  if ((sel >> 2 & 3) == 3) m.source_crs = "EPSG:3006";
  if (sel & 32) m.lon = "lon", m.lat = "lat";
  RejectLog rejects;
  std::vector<Incident> out;
  const bool intake = sel & 64;
  std::size_t rows_read = 0;
  try {
    // Made once and copied (a copy starts unresolved for "auto" too): PROJ's
    // database lookups for a fresh EPSG:3006 would be most of each run.
    static const io::CrsContext made[] = {io::CrsContext::from_spec(crss[0]), io::CrsContext::from_spec(crss[1]),
                                          io::CrsContext::from_spec(crss[2]), io::CrsContext::from_spec(crss[3])};
    io::CrsContext crs = made[sel >> 2 & 3];
    if (intake) {
      auto t = io::read_incident_table(path, crs, m, zone, rejects);
      rows_read = t.rows_read;
      for (auto& r : t.rows) {
        check(r.has_pos || !r.address.empty() || !r.stop.empty(),
              fmt::format("row {}: kept without a position, an address or a stop", r.inc.source_row));
        if (!r.has_pos) r.inc.pos = {0, 0};  // placed later by the workspace; counted here
        out.push_back(std::move(r.inc));
      }
    } else {
      out = io::read_incidents(path, crs, m, zone, rejects);
    }
  } catch (const Error&) {
    return 0;
  }
  std::vector<std::int64_t> rows;
  for (const auto& i : out) {
    check(std::isfinite(i.pos.x) && std::isfinite(i.pos.y), fmt::format("row {}: position not finite", i.source_row));
    check(i.weight >= 0 && std::isfinite(i.weight), fmt::format("row {}: weight {}", i.source_row, i.weight));
    rows.push_back(i.source_row);
  }
  for (const auto& r : rejects.items()) {
    check(!r.detail.empty(), fmt::format("row {}: a reject without a reason", r.source_row));
    check(r.file == path, "a reject names another file: " + r.file);
    rows.push_back(r.source_row);
  }
  if (intake)
    check(rows_read == out.size() + rejects.size(),
          fmt::format("rows read {} != kept {} + rejected {}", rows_read, out.size(), rejects.size()));
  std::sort(rows.begin(), rows.end());
  for (std::size_t k = 0; k < rows.size(); ++k)
    check(rows[k] == static_cast<std::int64_t>(k) + 1,
          fmt::format("rows in != placed + rejected: {} placed, {} rejected, row list broken at {} (row {})",
                      out.size(), rejects.size(), k, rows[k]));
  return 0;
}

}  // namespace tryggve::fuzz

TRYGGVE_FUZZ_ENTRY(incidents)
