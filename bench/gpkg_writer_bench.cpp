// GeoPackage writing at the city's size (issue 14): the map stage's three big
// layers written through io::VectorWriter, next to a baseline measured in the same
// run: the same features written the plain OGR way (a new OGRFeature per row, one
// transaction per 200,000 rows, the spatial index kept up while inserting, GDAL's
// default SQLite settings), which is how VectorWriter wrote before issue 14.
//
//   gpkg_writer_bench [LINES] [LIXELS] [POINTS] [DIR]
//       defaults 300,312 edges, 1,534,817 lixels, 1,000,000 incidents (the city of
//       bench/run_city_bench.sh); DIR: where the files go (default: the temp folder)
//
// The incidents layer has the map stage's 35 fields (pipeline::write_map), filled
// as the map fills them. Prints wall and process CPU seconds for each writer and
// the ratio, and checks that both files hold the same feature counts.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "tryggve/core/rng.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/vector_writer.hpp"

using namespace tryggve;
namespace fs = std::filesystem;

namespace {

struct Input {
  std::vector<Polyline> lines;   // edges: 3 vertices
  std::vector<Polyline> lixels;  // 2 vertices
  std::vector<Point> points;
  std::vector<std::int64_t> times;
};

const char* kCategories[] = {"vandalism", "youth_gatherings", "public_disorder", "burglary_theft", "drug_dealing"};

Input make_input(std::size_t n_lines, std::size_t n_lixels, std::size_t n_points) {
  Rng rng(14, 0);
  Input in;
  auto pt = [&] { return Point{rng.uniform(300000, 340000), rng.uniform(6390000, 6430000)}; };
  in.lines.reserve(n_lines);
  for (std::size_t i = 0; i < n_lines; ++i) {
    const Point a = pt();
    in.lines.push_back({a, {a.x + rng.uniform(-50, 50), a.y + rng.uniform(-50, 50)}, {a.x + 100, a.y + rng.uniform(-5, 5)}});
  }
  in.lixels.reserve(n_lixels);
  for (std::size_t i = 0; i < n_lixels; ++i) {
    const Point a = pt();
    in.lixels.push_back({a, {a.x + 20, a.y + rng.uniform(-5, 5)}});
  }
  in.points.reserve(n_points);
  for (std::size_t i = 0; i < n_points; ++i) {
    in.points.push_back(pt());
    in.times.push_back(1672531200 + static_cast<std::int64_t>(rng.uniform(0, 63072000)));
  }
  return in;
}

using io::FieldType;
const std::vector<io::FieldDef> kEdgeFields = {{"edge_id", FieldType::Int64}, {"length_m", FieldType::Real},
                                               {"name", FieldType::String}, {"highway", FieldType::String},
                                               {"lit", FieldType::String}, {"component", FieldType::Int64}};
const std::vector<io::FieldDef> kLixelFields = {{"lixel_id", FieldType::Int64}, {"edge_id", FieldType::Int64},
                                                {"start_m", FieldType::Real}, {"end_m", FieldType::Real},
                                                {"length_m", FieldType::Real}};
// The map stage's incidents layer as pipeline::write_map writes it (35 fields).
const std::vector<io::FieldDef> kIncidentFields = {
    {"incident_id", FieldType::Int64},  {"source_row", FieldType::Int64},    {"time", FieldType::DateTime},
    {"month", FieldType::String},       {"parameter", FieldType::String},    {"parameter_sv", FieldType::String},
    {"parameter_en", FieldType::String}, {"severity", FieldType::Real},      {"category", FieldType::String},
    {"actor", FieldType::String},       {"setting", FieldType::String},      {"weight", FieldType::Real},
    {"edge_id", FieldType::Int64},      {"offset_m", FieldType::Real},       {"snap_distance_m", FieldType::Real},
    {"snap_x", FieldType::Real},        {"snap_y", FieldType::Real},         {"lixel_id", FieldType::Int64},
    {"park_id", FieldType::Int64},      {"park_name", FieldType::String},    {"park_distance_m", FieldType::Real},
    {"stop_id", FieldType::Int64},      {"stop_name", FieldType::String},    {"stop_distance_m", FieldType::Real},
    {"area_id", FieldType::Int64},      {"area_name", FieldType::String},    {"place_type", FieldType::String},
    {"line", FieldType::String},        {"transit_mode", FieldType::String}, {"transit_from", FieldType::String},
    {"transit_to", FieldType::String},  {"transit_stop", FieldType::String}, {"stretch_m", FieldType::Real},
    {"uncertain", FieldType::Int64},    {"text", FieldType::String}};
const char* kNamesSv[] = {"Skadegörelse", "Ungdomsgäng", "Ordningsstörning", "Inbrott och stöld", "Narkotikahandel"};
const char* kNamesEn[] = {"Vandalism", "Youth gatherings", "Public disorder", "Burglary and theft", "Drug dealing"};

std::vector<io::FieldValue> edge_row(std::size_t i) { return {i, 100.0 + static_cast<double>(i % 7), "Gata 1", "residential", "yes", 0}; }
std::vector<io::FieldValue> lixel_row(std::size_t i) {
  return {i, i / 5, 20.0 * static_cast<double>(i % 5), 20.0 * static_cast<double>(i % 5 + 1), 20.0};
}
// As the map stage fills them: a fifth near a park, a third near a stop, every
// incident in an area, no transit reports, a short free text.
std::vector<io::FieldValue> incident_row(const Input& in, std::size_t i) {
  const Timestamp t{in.times[i], 3600};
  const std::size_t c = i % 5;
  const bool park = i % 5 == 0, stop = i % 3 == 0;
  const io::FieldValue none;
  return {i, i + 2, t, month_label(month_index(t)), kCategories[c], kNamesSv[c], kNamesEn[c], 1.5, kCategories[c],
          "polisen", "outdoor", 1.0, i % 300000, 12.5, 3.25, in.points[i].x + 1.5, in.points[i].y - 2.0, i % 1500000,
          park ? io::FieldValue(i % 40) : none, park ? io::FieldValue("Backa park") : none, park ? io::FieldValue(35.5) : none,
          stop ? io::FieldValue(i % 90) : none, stop ? io::FieldValue("Backa torg") : none, stop ? io::FieldValue(120.25) : none,
          i % 12, "Backa", none, none, none, none, none, none, none, none, "klotter på vägg"};
}

void write_with_vector_writer(const Input& in, const fs::path& path) {
  io::VectorWriter w(path, io::CrsContext::from_spec("EPSG:3006"));
  auto& e = w.add_layer("edges", io::GeometryKind::Line, kEdgeFields);
  for (std::size_t i = 0; i < in.lines.size(); ++i) e.add(edge_row(i), in.lines[i]);
  auto& l = w.add_layer("lixels", io::GeometryKind::Line, kLixelFields);
  for (std::size_t i = 0; i < in.lixels.size(); ++i) l.add(lixel_row(i), in.lixels[i]);
  auto& p = w.add_layer("incidents", io::GeometryKind::Point, kIncidentFields);
  for (std::size_t i = 0; i < in.points.size(); ++i) p.add(incident_row(in, i), in.points[i]);
  w.commit();
}

// The plain OGR way (VectorWriter before issue 14): a fresh OGRFeature per row.
void write_plain_ogr(const Input& in, const fs::path& path) {
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  OGRSpatialReference srs;
  srs.importFromEPSG(3006);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  auto layer = [&](const char* name, OGRwkbGeometryType gt, const std::vector<io::FieldDef>& fields) {
    const char* opts[] = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES", nullptr};
    OGRLayer* l = ds->CreateLayer(name, &srs, gt, const_cast<char**>(opts));
    for (const auto& f : fields) {
      OGRFieldType t = f.type == FieldType::Int64 ? OFTInteger64 : f.type == FieldType::Real ? OFTReal
                       : f.type == FieldType::DateTime ? OFTDateTime : OFTString;
      OGRFieldDefn d(f.name.c_str(), t);
      l->CreateField(&d);
    }
    return l;
  };
  std::size_t pending = 0;
  bool in_tx = false;
  auto add = [&](OGRLayer* l, const std::vector<io::FieldValue>& v, OGRGeometry* g) {
    OGRFeature f(l->GetLayerDefn());
    for (std::size_t k = 0; k < v.size(); ++k) {
      const auto& x = v[k].value();
      if (x.index() == 0) f.SetFieldNull(static_cast<int>(k));
      else if (x.index() == 1) f.SetField(static_cast<int>(k), static_cast<GIntBig>(std::get<std::int64_t>(x)));
      else if (x.index() == 2) f.SetField(static_cast<int>(k), std::get<double>(x));
      else if (x.index() == 3) f.SetField(static_cast<int>(k), std::get<std::string>(x).c_str());
      else {
        const LocalTime lt = to_local(std::get<Timestamp>(x));
        f.SetField(static_cast<int>(k), lt.year, lt.month, lt.day, lt.hour, lt.minute, static_cast<float>(lt.second), 104);
      }
    }
    f.SetGeometryDirectly(g);
    if (!in_tx) in_tx = ds->StartTransaction() == OGRERR_NONE;
    if (l->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("plain OGR: CreateFeature failed");
    if (++pending >= 200000) {
      ds->CommitTransaction();
      in_tx = false;
      pending = 0;
    }
  };
  auto line = [](const Polyline& p) {
    auto* ls = new OGRLineString();
    for (const auto& q : p) ls->addPoint(q.x, q.y);
    return ls;
  };
  auto end_tx = [&] {
    if (in_tx) ds->CommitTransaction();
    in_tx = false;
    pending = 0;
  };
  OGRLayer* e = layer("edges", wkbLineString, kEdgeFields);
  for (std::size_t i = 0; i < in.lines.size(); ++i) add(e, edge_row(i), line(in.lines[i]));
  end_tx();
  OGRLayer* l = layer("lixels", wkbLineString, kLixelFields);
  for (std::size_t i = 0; i < in.lixels.size(); ++i) add(l, lixel_row(i), line(in.lixels[i]));
  end_tx();
  OGRLayer* p = layer("incidents", wkbPoint, kIncidentFields);
  for (std::size_t i = 0; i < in.points.size(); ++i) add(p, incident_row(in, i), new OGRPoint(in.points[i].x, in.points[i].y));
  end_tx();
  ds.reset();
}

struct Times {
  double wall, cpu;
};
double cpu_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
template <class F>
Times timed(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now();
  f();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), cpu_now() - c0};
}

long long count(const fs::path& p, const char* layer) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR));
  return ds ? ds->GetLayerByName(layer)->GetFeatureCount() : -1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n_lines = argc > 1 ? std::stoul(argv[1]) : 300312;
  const std::size_t n_lixels = argc > 2 ? std::stoul(argv[2]) : 1534817;
  const std::size_t n_points = argc > 3 ? std::stoul(argv[3]) : 1000000;
  const fs::path dir = argc > 4 ? fs::path(argv[4]) : fs::temp_directory_path();
  io::ensure_gdal();
  fs::create_directories(dir);
  const Input in = make_input(n_lines, n_lixels, n_points);
  const fs::path a = dir / "gpkg_bench_plain.gpkg", b = dir / "gpkg_bench_writer.gpkg";
  fs::remove(a);
  fs::remove(b);
  std::printf("%zu edges, %zu lixels, %zu incidents\n", n_lines, n_lixels, n_points);
  const Times plain = timed([&] { write_plain_ogr(in, a); });
  std::printf("plain OGR (before issue 14)  wall %7.2f s  CPU %7.2f s\n", plain.wall, plain.cpu);
  const Times ours = timed([&] { write_with_vector_writer(in, b); });
  std::printf("io::VectorWriter             wall %7.2f s  CPU %7.2f s\n", ours.wall, ours.cpu);
  std::printf("ratio plain / VectorWriter   wall %7.2f x  CPU %7.2f x\n", plain.wall / ours.wall, plain.cpu / ours.cpu);
  for (const char* layer : {"edges", "lixels", "incidents"})
    if (count(a, layer) != count(b, layer)) {
      std::printf("feature counts differ in %s: %lld vs %lld\n", layer, count(a, layer), count(b, layer));
      return 1;
    }
  std::printf("sizes: %.1f MB plain, %.1f MB VectorWriter\n", static_cast<double>(fs::file_size(a)) / 1e6,
              static_cast<double>(fs::file_size(b)) / 1e6);
  fs::remove(a);
  fs::remove(b);
  return 0;
}
