// GTFS feeds read as a whole: the small fixture feed as a folder, a zip and a
// zip with a sub-folder; a corpus of broken feeds made from it one defect at a
// time, each with the error or reject it must give (file, row, reason); and the
// real Västtrafik stop register as stops with their stop areas.
#include <gtest/gtest.h>

#include <cpl_vsi.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
#include <map>
#include <sstream>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/gtfs.hpp"

using namespace tryggve;
using namespace tryggve::io;
namespace fs = std::filesystem;

namespace {

fs::path mini() { return test::fixtures() / "gtfs" / "mini"; }

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The fixture feed copied into a folder, with files replaced ("" removes one).
fs::path feed_with(const std::string& name, const std::map<std::string, std::string>& replace) {
  const fs::path dir = test::temp_dir("gtfs_" + name);
  for (const auto& e : fs::directory_iterator(mini()))
    if (e.path().extension() == ".txt") fs::copy_file(e.path(), dir / e.path().filename());
  for (const auto& [file, text] : replace) {
    if (text.empty()) {
      fs::remove(dir / file);
      continue;
    }
    std::ofstream(dir / file, std::ios::binary) << text;
  }
  return dir;
}

// The fixture's file with one line replaced (1-based, the header is line 1) or appended (line 0).
std::string edited(const std::string& file, int line, const std::string& text) {
  std::stringstream in(slurp(mini() / file));
  std::string out, l;
  int n = 0;
  while (std::getline(in, l)) {
    ++n;
    out += (n == line ? text : l) + "\n";
  }
  if (line == 0) out += text + "\n";
  return out;
}

// A zip of the fixture feed through GDAL's /vsizip/ writer, optionally in a sub-folder.
fs::path zip_of(const fs::path& dir, const std::string& sub) {
  const fs::path zip = test::temp_dir("gtfs_zip_" + sub) / "feed.zip";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".txt") continue;
    const std::string inner = "/vsizip/" + zip.string() + "/" + (sub.empty() ? "" : sub + "/") + e.path().filename().string();
    VSILFILE* f = VSIFOpenL(inner.c_str(), "wb");
    EXPECT_NE(f, nullptr) << inner;
    const std::string text = slurp(e.path());
    VSIFWriteL(text.data(), 1, text.size(), f);
    VSIFCloseL(f);
  }
  return zip;
}

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no tryggve::Error thrown";
  return Error(ErrorCode::Internal, "", "");
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(ServiceTime, ParsesGtfsTimesAndRefusesOthers) {
  EXPECT_EQ(gtfs::parse_service_time("08:05:30"), 8 * 3600 + 5 * 60 + 30);
  EXPECT_EQ(gtfs::parse_service_time("8:05:30"), 8 * 3600 + 5 * 60 + 30);
  EXPECT_EQ(gtfs::parse_service_time("25:10:00"), 25 * 3600 + 600);  // the night after the service day
  EXPECT_EQ(gtfs::parse_service_time(" 00:00:00 "), 0);
  for (const char* bad : {"", "25:61:00", "7:5:00", "-1:00:00", "08:00", "08:00:00:00", "ab:cd:ef", "123:00:00", "8h05"}) {
    std::string why;
    EXPECT_FALSE(gtfs::parse_service_time(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  EXPECT_EQ(gtfs::format_service_time(24 * 3600 + 30 * 60), "24:30:00");
  EXPECT_EQ(gtfs::parse_date("20240229"), days_from_civil(2024, 2, 29));
  EXPECT_FALSE(gtfs::parse_date("20250229"));
  EXPECT_FALSE(gtfs::parse_date("2025-01-01"));
  EXPECT_EQ(gtfs::format_date(*gtfs::parse_date("20251231")), "20251231");
}

TEST(ReadGtfs, FixtureFeedAsFolder) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  RejectLog rejects;
  GtfsReport rep;
  GtfsReadOptions opt;
  opt.rejects = &rejects;
  const gtfs::Feed f = read_gtfs(mini().string(), crs, opt, &rep);
  EXPECT_EQ(rejects.size(), 0u) << rejects.summary();
  EXPECT_EQ(f.timezone, "Europe/Stockholm");
  EXPECT_TRUE(rep.timezone_from_agency);
  ASSERT_EQ(f.stops.size(), 13u);
  // The BOM is not part of the first column's name, quoted names keep their comma.
  const auto& b1 = f.stops[f.find_stop("B1")];
  EXPECT_EQ(b1.name, "Beta, Göteborg");
  EXPECT_EQ(b1.platform_code, "A");
  ASSERT_NE(b1.parent, gtfs::kNone);
  EXPECT_EQ(f.stops[b1.parent].id, "S_B");
  EXPECT_EQ(f.stops[b1.parent].type, gtfs::LocationType::Station);
  EXPECT_EQ(f.stops[f.find_stop("E1")].parent, gtfs::kNone);
  // Stops are in EPSG:3006: the two platforms of a stop are 2 x 0.0001 degrees of latitude apart (22.3 m).
  EXPECT_NEAR(distance(f.stops[f.find_stop("A1")].pos, f.stops[f.find_stop("A2")].pos), 22.3, 0.2);
  ASSERT_EQ(f.routes.size(), 2u);
  EXPECT_EQ(f.routes[f.find_route("R5")].mode, gtfs::Mode::Tram);  // extended type 900
  EXPECT_EQ(f.routes[f.find_route("R25")].mode, gtfs::Mode::Bus);  // 700
  ASSERT_EQ(f.trips.size(), 5u);
  ASSERT_EQ(f.shapes.size(), 2u);
  EXPECT_EQ(f.shapes[0].points.size(), 7u);
  EXPECT_TRUE(f.shapes[0].dist.empty());
  // Stop times: grouped by trip, by sequence; the night trip keeps its 24:30.
  const auto& night = f.trips[f.find_trip("T5_N2430")];
  EXPECT_EQ(f.stop_times[night.first_stop_time].departure, 24 * 3600 + 30 * 60);
  EXPECT_EQ(f.stop_times[night.first_stop_time + 2].arrival, 24 * 3600 + 34 * 60);
  EXPECT_EQ(f.stop_times[night.first_stop_time + 2].departure, 24 * 3600 + 35 * 60);
  // The stop without times is interpolated by distance: B is halfway from A to C.
  const auto& bus = f.trips[f.find_trip("T25_0900")];
  const auto& mid = f.stop_times[bus.first_stop_time + 1];
  EXPECT_TRUE(mid.interpolated);
  EXPECT_NEAR(mid.arrival, 9 * 3600 + 3 * 60, 2);
  EXPECT_EQ(rep.interpolated_times, 1u);
  // Calendars: the holiday removed, the Saturday added.
  const auto& wd = f.services[f.service_ids.at("WD")];
  EXPECT_TRUE(wd.active(static_cast<std::int32_t>(days_from_civil(2025, 6, 5))));   // Thursday
  EXPECT_FALSE(wd.active(static_cast<std::int32_t>(days_from_civil(2025, 6, 6))));  // Friday, removed
  EXPECT_TRUE(wd.active(static_cast<std::int32_t>(days_from_civil(2025, 6, 7))));   // Saturday, added
  EXPECT_FALSE(wd.active(static_cast<std::int32_t>(days_from_civil(2025, 6, 8))));  // Sunday
  EXPECT_FALSE(wd.active(static_cast<std::int32_t>(days_from_civil(2026, 1, 5))));  // after end_date
  ASSERT_EQ(f.frequencies.size(), 1u);
  EXPECT_EQ(f.frequencies[0].headway_s, 600);
  EXPECT_TRUE(has(rep.summary(&rejects), "13 stops")) << rep.summary(&rejects);
}

TEST(ReadGtfs, ZipAndZipWithSubFolderReadTheSame) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  const gtfs::Feed a = read_gtfs(mini().string(), crs);
  for (const std::string sub : {"", "gtfs_2025"}) {
    const fs::path zip = zip_of(mini(), sub);
    CrsContext crs2 = CrsContext::from_spec("EPSG:3006");
    const gtfs::Feed b = read_gtfs(zip.string(), crs2);
    EXPECT_EQ(b.stops.size(), a.stops.size()) << sub;
    EXPECT_EQ(b.stop_times.size(), a.stop_times.size()) << sub;
    ASSERT_EQ(b.trips.size(), a.trips.size());
    for (std::size_t i = 0; i < a.trips.size(); ++i) EXPECT_EQ(b.trips[i].id, a.trips[i].id);
    EXPECT_EQ(b.stops[3].pos, a.stops[3].pos);
    fs::remove_all(zip.parent_path());
  }
}

// The feed's files as they are (what a workspace stores): the same bytes from the
// folder and from a zip with a sub-folder; files GTFS does not know left out.
TEST(ReadGtfsFiles, FolderAndZipGiveTheSameBytes) {
  const auto a = read_gtfs_files(mini().string());
  std::vector<std::string> names;
  for (const auto& f : a) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt",
                                             "calendar.txt", "calendar_dates.txt", "shapes.txt", "frequencies.txt"}));
  std::ifstream in(mini() / "stops.txt", std::ios::binary);
  const std::string stops((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(a[1].content, stops);  // byte for byte, BOM included
  const fs::path zip = zip_of(mini(), "gtfs_2025");
  const auto b = read_gtfs_files(zip.string());
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i].name, a[i].name);
    EXPECT_EQ(b[i].content, a[i].content) << a[i].name;
  }
  EXPECT_EQ(error_of([&] { read_gtfs_files(mini().string(), 10); }).code(), ErrorCode::BadValue);
  EXPECT_EQ(error_of([&] { read_gtfs_files((zip.parent_path() / "missing.zip").string()); }).code(),
            ErrorCode::FileNotFound);
  fs::remove_all(zip.parent_path());
}

TEST(ReadGtfs, WithoutAgencyTheDefaultTimeZoneIsSaid) {
  const fs::path dir = feed_with("noagency", {{"agency.txt", ""}});
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  GtfsReport rep;
  GtfsReadOptions opt;
  opt.default_timezone = "Europe/Helsinki";
  const auto f = read_gtfs(dir.string(), crs, opt, &rep);
  EXPECT_EQ(f.timezone, "Europe/Helsinki");
  EXPECT_FALSE(rep.timezone_from_agency);
  EXPECT_TRUE(has(rep.summary(), "not in agency.txt")) << rep.summary();
  fs::remove_all(dir);
}

// ---- The broken-feed corpus ---------------------------------------------------------

struct WholeFeedCase {
  const char* name;
  std::map<std::string, std::string> files;  // replaced files ("" = removed)
  ErrorCode code;
  std::vector<std::string> message_has;
};

TEST(BrokenGtfs, WholeFeedProblemsAreErrorsNamingFileAndReason) {
  const std::string broken_stop_times =
      "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT5_0800,08:00:00,08:00:00,NOPE,1\n";
  const std::vector<WholeFeedCase> cases = {
      {"no_stops", {{"stops.txt", ""}}, ErrorCode::FileNotFound, {"stops.txt", "not a GTFS feed"}},
      {"no_trips", {{"trips.txt", ""}}, ErrorCode::FileNotFound, {"trips.txt", "required"}},
      {"no_stop_times", {{"stop_times.txt", ""}}, ErrorCode::FileNotFound, {"stop_times.txt"}},
      {"no_calendars", {{"calendar.txt", ""}, {"calendar_dates.txt", ""}}, ErrorCode::FileNotFound,
       {"calendar.txt nor calendar_dates.txt"}},
      {"no_sequence_column",
       {{"stop_times.txt", "trip_id,arrival_time,departure_time,stop_id\nT5_0800,08:00:00,08:00:00,A1\n"}},
       ErrorCode::MissingField, {"stop_times.txt", "stop_sequence", "columns: trip_id"}},
      {"no_route_type", {{"routes.txt", "route_id,route_short_name\nR5,5\n"}}, ErrorCode::MissingField,
       {"routes.txt", "route_type"}},
      {"empty_stops", {{"stops.txt", "stop_id,stop_name,stop_lat,stop_lon\n"}}, ErrorCode::EmptyLayer,
       {"stops.txt", "no rows"}},
      {"empty_trips", {{"trips.txt", "route_id,service_id,trip_id\n"}}, ErrorCode::EmptyLayer, {"trips.txt"}},
      {"nothing_usable", {{"stop_times.txt", broken_stop_times}}, ErrorCode::NoData, {"no usable trip"}},
      {"two_time_zones",
       {{"agency.txt", edited("agency.txt", 0, "SJ,SJ,https://www.sj.se,Europe/London")}}, ErrorCode::BadValue,
       {"agency.txt:row 2", "Europe/London", "one time zone"}},
      {"unknown_time_zone",
       {{"agency.txt", edited("agency.txt", 2, "VT,Västtrafik,https://www.vasttrafik.se,Mars/Olympus")}},
       ErrorCode::BadValue, {"agency.txt:row 1", "Mars/Olympus"}},
  };
  for (const auto& c : cases) {
    const fs::path dir = feed_with(c.name, c.files);
    CrsContext crs = CrsContext::from_spec("EPSG:3006");
    RejectLog rejects;
    GtfsReadOptions opt;
    opt.rejects = &rejects;
    const Error e = error_of([&] { read_gtfs(dir.string(), crs, opt); });
    EXPECT_EQ(e.code(), c.code) << c.name << ": " << e.what();
    for (const auto& part : c.message_has) EXPECT_TRUE(has(e.what(), part)) << c.name << ": '" << part << "' not in " << e.what();
    fs::remove_all(dir);
  }
}

TEST(BrokenGtfs, NotAFeed) {
  const fs::path dir = test::temp_dir("gtfs_notzip");
  std::ofstream(dir / "feed.zip") << "this is not a zip\n";
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  EXPECT_EQ(error_of([&] { read_gtfs((dir / "feed.zip").string(), crs); }).code(), ErrorCode::UnknownFormat);
  EXPECT_EQ(error_of([&] { read_gtfs((dir / "missing.zip").string(), crs); }).code(), ErrorCode::FileNotFound);
  const Error e = error_of([&] { read_gtfs(dir.string(), crs); });
  EXPECT_EQ(e.code(), ErrorCode::FileNotFound);
  EXPECT_TRUE(has(e.what(), "feed.zip")) << e.what();  // says what the folder holds
  fs::remove_all(dir);
}

struct RowCase {
  const char* name;
  std::string file;  // the file edited
  int line;          // its line replaced (0 = appended)
  std::string text;
  // The rejects it must give: (file, data row, reason), and words of the first one's detail.
  std::vector<std::tuple<std::string, std::int64_t, RejectReason>> rejects;
  std::vector<std::string> detail_has;
  std::size_t trips_left;
};

TEST(BrokenGtfs, RowProblemsAreRejectsWithFileRowAndReason) {
  // stop_times.txt lines: 2-5 T5_0800, 6-9 T5_0801, 10-13 T5_N2430, 14-16 T25_0900, 17-19 T25_F.
  const std::vector<RowCase> cases = {
      {"duplicate_sequence", "stop_times.txt", 3, "T5_0800,08:02:00,08:02:00,B1,1",
       {{"trips.txt", 1, RejectReason::OutOfOrder}}, {"stop_sequence 1 is given twice", "rows 1 and 2"}, 4},
      {"times_backwards", "stop_times.txt", 4, "T5_0800,08:01:00,08:05:00,C1,3",
       {{"trips.txt", 1, RejectReason::OutOfOrder}}, {"times go backwards", "08:02:00", "08:01:00", "row 3"}, 4},
      {"departs_before_arrival", "stop_times.txt", 4, "T5_0800,08:05:00,08:04:00,C1,3",
       {{"trips.txt", 1, RejectReason::OutOfOrder}}, {"departs at 08:04:00 before it arrives at 08:05:00"}, 4},
      {"unknown_stop", "stop_times.txt", 7, "T5_0801,08:03:00,08:03:00,X9,2",
       {{"stop_times.txt", 6, RejectReason::UnknownReference}, {"trips.txt", 2, RejectReason::UnknownReference}},
       {"stop 'X9' is not in stops.txt"}, 4},
      {"station_in_stop_times", "stop_times.txt", 7, "T5_0801,08:03:00,08:03:00,S_C,2",
       {{"stop_times.txt", 6, RejectReason::BadValue}, {"trips.txt", 2, RejectReason::BadValue}},
       {"station", "platforms"}, 4},
      {"unknown_trip", "stop_times.txt", 0, "T9_GHOST,10:00:00,10:00:00,A1,1",
       {{"stop_times.txt", 19, RejectReason::UnknownReference}}, {"trip 'T9_GHOST' is not in trips.txt"}, 5},
      {"bad_time", "stop_times.txt", 11, "T5_N2430,24:61:00,24:61:00,B1,2",
       {{"stop_times.txt", 10, RejectReason::BadTime}, {"trips.txt", 3, RejectReason::BadTime}},
       {"arrival_time", "24:61:00", "above 59"}, 4},
      {"time_without_seconds", "stop_times.txt", 2, "T5_0800,8:00,8:00,A1,1",
       {{"stop_times.txt", 1, RejectReason::BadTime}, {"trips.txt", 1, RejectReason::BadTime}}, {"not HH:MM:SS"}, 4},
      {"first_stop_without_time", "stop_times.txt", 2, "T5_0800,,,A1,1",
       {{"trips.txt", 1, RejectReason::BadTime}}, {"first stop has no time"}, 4},
      {"one_stop_trip", "stop_times.txt", 0, "",  // replaced below: T25_F with one row
       {}, {}, 5},
      {"unknown_route", "trips.txt", 2, "R99,WD,T5_0800,Delta,0,B1,SH5_0",
       {{"trips.txt", 1, RejectReason::UnknownReference}}, {"route 'R99' is not in the feed"}, 4},
      {"unknown_service", "trips.txt", 3, "R5,XX,T5_0801,Alfa,1,B2,SH5_1",
       {{"trips.txt", 2, RejectReason::UnknownReference}}, {"service 'XX'"}, 4},
      {"unknown_shape", "trips.txt", 3, "R5,WD,T5_0801,Alfa,1,B2,SH_NONE",
       {{"trips.txt", 2, RejectReason::UnknownReference}}, {"shape 'SH_NONE'"}, 4},
      {"bad_direction", "trips.txt", 3, "R5,WD,T5_0801,Alfa,north,B2,SH5_1",
       {{"trips.txt", 2, RejectReason::BadValue}}, {"direction_id 'north'"}, 4},
      {"duplicate_trip", "trips.txt", 0, "R5,WD,T5_0800,Delta,0,B1,SH5_0",
       {{"trips.txt", 6, RejectReason::Duplicate}}, {"trip_id 'T5_0800' is given twice"}, 5},
      {"bad_latitude", "stops.txt", 7, "B2,\"Beta, Göteborg\",95.0,11.9850,0,S_B,B",
       {{"stops.txt", 6, RejectReason::BadCoordinate}, {"stop_times.txt", 7, RejectReason::UnknownReference},
        {"trips.txt", 2, RejectReason::UnknownReference}},
       {"out of range"}, 4},
      {"null_island", "stops.txt", 7, "B2,\"Beta, Göteborg\",0,0,0,S_B,B",
       {{"stops.txt", 6, RejectReason::BadCoordinate}, {"stop_times.txt", 7, RejectReason::UnknownReference},
        {"trips.txt", 2, RejectReason::UnknownReference}},
       {"0,0"}, 4},
      {"duplicate_stop", "stops.txt", 0, "A1,Again,57.7,11.9,0,,",
       {{"stops.txt", 14, RejectReason::Duplicate}}, {"stop_id 'A1' is given twice"}, 5},
      {"unknown_parent", "stops.txt", 10, "C2,\"Gamma, Göteborg\",57.7499,12.0000,0,S_Q,B",
       {{"stops.txt", 9, RejectReason::UnknownReference}, {"stop_times.txt", 6, RejectReason::UnknownReference},
        {"trips.txt", 2, RejectReason::UnknownReference}},
       {"parent_station 'S_Q' is not in stops.txt"}, 4},
      {"rejected_parent", "stops.txt", 11, "S_D,\"Delta, Göteborg\",nan,12.0150,1,,",
       {{"stops.txt", 10, RejectReason::BadCoordinate}, {"stops.txt", 11, RejectReason::UnknownReference},
        {"stops.txt", 12, RejectReason::UnknownReference}, {"stop_times.txt", 4, RejectReason::UnknownReference},
        {"stop_times.txt", 5, RejectReason::UnknownReference}, {"stop_times.txt", 12, RejectReason::UnknownReference},
        {"trips.txt", 1, RejectReason::UnknownReference}, {"trips.txt", 2, RejectReason::UnknownReference},
        {"trips.txt", 3, RejectReason::UnknownReference}},
       {"out of range"}, 2},
      {"bad_route_type", "routes.txt", 3, "R25,VT,25,Alfa - Gamma,bus",
       {{"routes.txt", 2, RejectReason::BadValue}, {"trips.txt", 4, RejectReason::UnknownReference},
        {"trips.txt", 5, RejectReason::UnknownReference}, {"frequencies.txt", 1, RejectReason::UnknownReference}},
       {"route_type 'bus'"}, 3},
      {"bad_weekday", "calendar.txt", 3, "FR,0,0,0,0,yes,0,0,20250101,20251231",
       {{"calendar.txt", 2, RejectReason::BadValue}, {"trips.txt", 3, RejectReason::UnknownReference}},
       {"friday is 'yes'"}, 4},
      {"end_before_start", "calendar.txt", 3, "FR,0,0,0,0,1,0,0,20251231,20250101",
       {{"calendar.txt", 2, RejectReason::BadValue}, {"trips.txt", 3, RejectReason::UnknownReference}},
       {"before start_date"}, 4},
      {"bad_exception", "calendar_dates.txt", 2, "WD,20250606,3",
       {{"calendar_dates.txt", 1, RejectReason::BadValue}}, {"exception_type '3'"}, 5},
      {"shape_sequence_twice", "shapes.txt", 3, "SH5_0,57.7500,11.9775,1",
       {{"shapes.txt", 2, RejectReason::OutOfOrder}, {"trips.txt", 1, RejectReason::UnknownReference},
        {"trips.txt", 3, RejectReason::UnknownReference}},
       {"shape_pt_sequence 1 twice"}, 3},
      {"frequency_without_headway", "frequencies.txt", 2, "T25_F,06:00:00,07:00:00,0",
       {{"frequencies.txt", 1, RejectReason::BadValue}}, {"headway_secs '0'"}, 5},
  };
  for (auto c : cases) {
    std::string text = c.line == 0 && c.text.empty() ? "" : edited(c.file, c.line, c.text);
    if (std::string(c.name) == "one_stop_trip") {
      // T25_F keeps its first row only (lines 18 and 19 go).
      std::stringstream in(slurp(mini() / "stop_times.txt"));
      std::string out, l;
      int n = 0;
      while (std::getline(in, l))
        if (++n != 18 && n != 19) out += l + "\n";
      text = out;
      c.rejects = {{"trips.txt", 5, RejectReason::BadValue}, {"frequencies.txt", 1, RejectReason::UnknownReference}};
      c.detail_has = {"one stop time", "needs two"};
      c.trips_left = 4;
    }
    const fs::path dir = feed_with(c.name, {{c.file, text}});
    CrsContext crs = CrsContext::from_spec("EPSG:3006");
    RejectLog rejects;
    GtfsReadOptions opt;
    opt.rejects = &rejects;
    GtfsReport rep;
    gtfs::Feed f;
    try {
      f = read_gtfs(dir.string(), crs, opt, &rep);
    } catch (const Error& e) {
      ADD_FAILURE() << c.name << ": " << e.what();
      continue;
    }
    rejects.sort();
    std::vector<std::tuple<std::string, std::int64_t, RejectReason>> got;
    for (const auto& r : rejects.items())
      got.push_back({fs::path(r.file).filename().string(), r.source_row, r.reason});
    std::sort(got.begin(), got.end());
    auto want = c.rejects;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << c.name << ": " << rejects.summary() << "\n"
                         << (rejects.size() ? rejects.items().front().detail : "");
    // The first expected reject's detail says why.
    if (!c.rejects.empty()) {
      const auto& [file, row, reason] = c.rejects.front();
      for (const auto& r : rejects.items()) {
        if (fs::path(r.file).filename() != file || r.source_row != row || r.reason != reason) continue;
        for (const auto& part : c.detail_has) EXPECT_TRUE(has(r.detail, part)) << c.name << ": '" << part << "' not in " << r.detail;
      }
    }
    EXPECT_EQ(f.trips.size(), c.trips_left) << c.name;
    // Nothing silently dropped: every stop_times row is kept, rejected, or counted with its trip.
    std::size_t st_rows = 0, st_rej = 0;
    for (const auto& fc : rep.files)
      if (fc.file == "stop_times.txt") st_rows = fc.rows, st_rej = fc.rejected;
    EXPECT_EQ(st_rows, f.stop_times.size() + st_rej + rep.stop_times_of_rejected_trips) << c.name;
    fs::remove_all(dir);
  }
}

TEST(BrokenGtfs, WithoutARejectLogTheFirstRowProblemIsAnError) {
  const fs::path dir = feed_with("strict", {{"stop_times.txt", edited("stop_times.txt", 7, "T5_0801,08:03:00,08:03:00,X9,2")}});
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  const Error e = error_of([&] { read_gtfs(dir.string(), crs); });
  EXPECT_EQ(e.code(), ErrorCode::BadValue);
  EXPECT_TRUE(has(e.what(), "stop_times.txt:row 6")) << e.what();
  EXPECT_TRUE(has(e.what(), "X9")) << e.what();
  fs::remove_all(dir);
}

TEST(BrokenGtfs, SizeBoundsRefuseInsteadOfCutting) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  GtfsReadOptions opt;
  opt.max_rows = 10;
  Error e = error_of([&] { read_gtfs(mini().string(), crs, opt); });
  EXPECT_EQ(e.code(), ErrorCode::BadValue);
  EXPECT_TRUE(has(e.what(), "stops.txt")) << e.what();
  EXPECT_TRUE(has(e.what(), "more than 10 rows")) << e.what();
  opt.max_rows = 1000;
  opt.max_file_bytes = 300;
  e = error_of([&] { read_gtfs(mini().string(), crs, opt); });
  EXPECT_EQ(e.code(), ErrorCode::BadValue);
  EXPECT_TRUE(has(e.what(), "max_file_bytes")) << e.what();
}

// ---- Real data: Västtrafik's stop register ---------------------------------------------

TEST(ReadStopList, VasttrafikStopRegister) {
  TRYGGVE_REQUIRE_SHARED("gothenburg/vasttrafik_stops_2021-03-10.csv");
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  RejectLog rejects;
  StopListOptions opt;
  opt.rejects = &rejects;
  const auto stops =
      read_stop_list((test::shared_data() / "gothenburg/vasttrafik_stops_2021-03-10.csv").string(), crs, opt);
  EXPECT_EQ(rejects.size(), 0u) << rejects.summary();
  ASSERT_EQ(stops.size(), 27741u);
  std::size_t stations = 0, with_parent = 0, alone = 0;
  for (const auto& s : stops) {
    if (s.type == gtfs::LocationType::Station) ++stations;
    else if (s.parent != gtfs::kNone) ++with_parent;
    else ++alone;
  }
  // 9,020 stop areas (9021...), 18,656 stop points each in its area, 65 other points (park and ride).
  EXPECT_EQ(stations, 9020u);
  EXPECT_EQ(with_parent, 18656u);
  EXPECT_EQ(alone, 65u);
  // Brunnsbotorget: four platforms A-D under one stop area, each a few tens of metres from it.
  std::size_t area = gtfs::kNone;
  for (std::size_t i = 0; i < stops.size(); ++i)
    if (stops[i].id == "9021014001740000") area = i;
  ASSERT_NE(area, gtfs::kNone);
  EXPECT_EQ(stops[area].name, "Brunnsbotorget, Göteborg");
  std::string codes;
  for (const auto& s : stops)
    if (s.parent == area) {
      codes += s.platform_code;
      EXPECT_LT(distance(s.pos, stops[area].pos), 60.0) << s.id;
    }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, "ABCD");
  // In SWEREF 99 TM (GDAL's Python bindings, EPSG:4326 -> EPSG:3006, for lon 11.970530 lat 57.727467).
  EXPECT_NEAR(stops[area].pos.x, 319608.0719, 1e-3);
  EXPECT_NEAR(stops[area].pos.y, 6402402.6605, 1e-3);
}
