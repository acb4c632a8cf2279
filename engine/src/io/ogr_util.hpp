#pragma once
// Internal helpers shared by the readers (not a public header).
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/features.hpp"
#include "tryggve/core/geometry.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/vector_writer.hpp"

namespace tryggve::io::detail {

struct Dataset {
  // A decoded copy of a CSV that was not UTF-8 (/vsimem/), removed after `ds` closes.
  std::shared_ptr<const std::string> memory_copy;
  GDALDatasetUniquePtr ds;
  std::string path;      // as the user gave it (for messages)
  std::string gdal_path; // with /vsigzip/ or CSV: when needed
  bool is_osm = false;
  bool is_csv = false;
  char separator = 0;    // CSV: the field separator (',', ';', '\t', '|')
  std::string encoding;  // CSV: as the file was written ("UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16LE", ...)
};

// .csv, .csv.gz, .tsv and .txt: the sources open_vector reads as delimited text.
bool is_csv_path(const std::string& path);

// Opens a vector source. FileNotFound if missing, UnknownFormat if no driver
// takes it. CSV sources are opened with every field as text (the readers parse
// numbers and times themselves so a bad value is a reject with its raw text),
// decoded by core/text.hpp's rule (a Windows-1252 or UTF-16 file is read from a
// UTF-8 copy in memory, and the log says so), and with the separator of their
// header line (the one of , ; TAB | it holds most often outside quotes): the one
// place a file's encoding and separator are decided, for every reader. Paths in
// GDAL's /vsimem/ are taken as files (tests, the fuzzer).
// `extra_oo`: further open options. A PostgreSQL connection string ("PG:...")
// is opened as it is.
Dataset open_vector(const std::string& path, const std::vector<std::string>& extra_oo = {});

enum GeomMask : unsigned { kPoints = 1, kLines = 2, kPolygons = 4, kNoGeometry = 8 };
unsigned geom_family(OGRwkbGeometryType t);  // one of the masks, 0 for unknown/collections
const char* family_name(unsigned mask);

// Picks the layer: by name (LayerNotFound lists the layers), else the only
// layer, else the first whose geometry is in `want`. WrongGeometryType if the
// chosen layer's declared geometry is not in `want`.
OGRLayer* pick_layer(Dataset& d, const std::string& name, unsigned want, const char* what);

// Field index: the explicit name (MissingField if absent) or the first of the
// candidates present (case-insensitive), or -1.
int find_field(OGRFeatureDefn* defn, const std::string& explicit_name,
               std::initializer_list<std::string_view> candidates, const std::string& where);
// First field whose lower-case name ends with one of the suffixes, or -1.
int find_field_suffix(OGRFeatureDefn* defn, std::initializer_list<std::string_view> suffixes);

std::string field_text(OGRFeature& f, int idx);  // "" if idx < 0 or unset/null
// A number written as text; accepts a decimal comma when there is no point. nullopt if not a number.
std::optional<double> parse_number(std::string_view text);
// "yes"/"no" style values: OSM lit=*, true/false, 1/0, ja/nej.
Lit parse_lit(std::string_view v);
// OSM tunnel=* / bridge=*: anything but empty/no/false/0.
bool truthy_tag(std::string_view v);
// The feature's fields joined as "name=value; ..." (bounded), for Reject::raw.
std::string raw_text(OGRFeature& f);

// Geometry conversion into our types, in the source's coordinates (x, y only).
void append_lines(const OGRGeometry* g, std::vector<Polyline>& out);
void append_polygons(const OGRGeometry* g, MultiPolygon& out);
void append_points(const OGRGeometry* g, std::vector<Point>& out);

// Our geometry kinds and values as OGR's (the writer's and the database's one conversion).
OGRwkbGeometryType ogr_type(GeometryKind k);
OGRGeometry* ogr_geometry(const Geometry& g);  // new'ed; null for no geometry
GeometryKind kind_of(const Geometry& g);
const char* kind_name(GeometryKind k);
// An OGR geometry as ours (points, lines and polygons; the first part of a
// multi-point/line), in the source's coordinates. std::monostate for none.
Geometry from_ogr(const OGRGeometry* g);

// Median of the points' coordinates (robust to a few far-off rows): the
// centre that resolves a CrsContext "auto". nullopt if no finite point.
std::optional<Point> robust_centre(const std::vector<Point>& sample);

bool all_finite(const std::vector<Point>& pts);

// Area-weighted centroid of a multipolygon (holes subtracted); the mean of the
// outer ring's vertices if it has no area.
Point centroid(const MultiPolygon& mp);

// A per-feature problem: into `rejects` if given, else throws Error(code).
void reject_or_throw(RejectLog* rejects, ErrorCode code, RejectReason reason, const std::string& file,
                     const std::string& where, std::int64_t row, const std::string& detail,
                     const std::string& raw);

std::string feature_where(const std::string& path, const std::string& layer, std::int64_t feature);

// GDAL ends a layer's GetNextFeature() loop early on a read error (a truncated
// file, a CSV line longer than its driver takes, a broken PBF block) and only
// says so through its error handler: the rows after it would vanish without a
// word. After a read loop run inside a GdalMessages scope, any error GDAL
// reported is an Error(BadValue) naming the file and the last feature read.
void throw_if_read_failed(const GdalMessages& messages, const std::string& where, std::int64_t features_read);

// A feature read in its source coordinates, waiting for the transform (which,
// for --crs auto, can only be made once the data's centre is known).
template <class T>
struct Staged {
  T item;
  std::int64_t row = 0;  // 1-based feature number
  std::string raw;       // for a reject
};

// Makes the transform from `source` (or `assume_crs`), applies it to every
// staged feature (visit(item, f) calls f on each of its coordinate vectors) and
// returns the features that transformed; the others become rejects (or an
// Error without a RejectLog). `sample(item)` gives one representative point.
template <class T, class Visit, class Sample>
std::vector<T> transform_staged(std::vector<Staged<T>>& staged, CrsContext& crs, const OGRSpatialReference* source,
                                const std::string& assume_crs, RejectLog* rejects, const std::string& file,
                                const std::string& layer, Visit visit, Sample sample) {
  std::vector<Point> pts;
  pts.reserve(staged.size());
  for (auto& s : staged) pts.push_back(sample(s.item));
  const auto centre = robust_centre(pts);
  const std::string where = file + " layer " + layer;
  auto tr = crs.transform_from(source, where, assume_crs, centre ? &*centre : nullptr);
  // 0 ok, 1 not finite, 2 not transformable
  std::vector<unsigned char> status(staged.size(), 0);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < staged.size(); ++i) {
    visit(staged[i].item, [&](std::vector<Point>& v) {
      if (status[i]) return;
      if (!all_finite(v)) status[i] = 1;
      else if (!tr->apply(v)) status[i] = 2;
    });
    failed += status[i] == 2;
  }
  if (failed > 0 && failed == staged.size())
    throw Error(ErrorCode::BadCrs, where,
                "no feature's coordinates can be transformed into " + crs.describe() +
                    ": the data's CRS is wrong or missing (state the source CRS, or run with --crs local)");
  std::vector<T> out;
  out.reserve(staged.size());
  for (std::size_t i = 0; i < staged.size(); ++i) {
    auto& s = staged[i];
    if (status[i] == 0) {
      out.push_back(std::move(s.item));
      continue;
    }
    reject_or_throw(rejects, ErrorCode::BadCoordinate, RejectReason::BadCoordinate, file,
                    feature_where(file, layer, s.row), s.row,
                    status[i] == 2 ? "coordinates cannot be transformed into " + crs.describe()
                                   : "coordinate is NaN or infinite",
                    s.raw);
  }
  return out;
}

}  // namespace tryggve::io::detail
