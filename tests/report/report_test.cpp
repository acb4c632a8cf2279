// The report of a small hand-made run folder: every section whose files exist is
// rendered, missing ones are listed, the HTML needs no network, and a PDF is made
// where chromium is installed.
#include <gtest/gtest.h>

#include <fstream>

#include "test_data.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/report/report.hpp"

using namespace tryggve;
namespace fs = std::filesystem;

namespace {

fs::path make_run(const std::string& name) {
  const fs::path dir = test::temp_dir(name);
  fs::create_directories(dir / "plan");
  {
    io::VectorWriter out(dir / outputs::kMapGpkg, io::CrsContext::from_spec("EPSG:3006"));
    auto& e = out.add_layer(outputs::kEdgesLayer, io::GeometryKind::Line, {{"edge_id", io::FieldType::Int64}});
    e.add({0}, Polyline{{319000, 6400000}, {319100, 6400000}});
    e.add({1}, Polyline{{319100, 6400000}, {319100, 6400100}});
    out.commit();
  }
  {
    io::VectorWriter out(dir / outputs::kPatrolGpkg, io::CrsContext::from_spec("EPSG:3006"));
    auto& w = out.add_layer(outputs::kWatchListLayer, io::GeometryKind::Line, {{"rank", io::FieldType::Int64}});
    w.add({1}, Polyline{{319000, 6400000}, {319100, 6400000}});
    out.commit();
  }
  write_text_atomically(dir / outputs::kWatchListJson, R"({"month":"2025-02","windows":"fri,sat 18-24",
    "officer_hours_per_week":{"budget":20,"used":18},"harm_prevented":{"mean":1.5,"low":0.8,"high":2.4},
    "places":[{"rank":1,"street":"Kvarnbo torg <main>","edge_id":0,"visits_per_week":6,"officer_hours_per_week":1.5,
               "forecast_harm":9.1,"harm_prevented":1.2}],
    "backtest":[{"month":"2025-01","model":{"hit_rate":0.2,"pai":8.5},"last_month_top":{"hit_rate":0.1,"pai":4.0}}]})");
  write_text_atomically(dir / outputs::kLightingJson, R"({"first_month":"2025-02","unlit_length_m":1200,"lit_length_m":8800,
    "months":["2025-02","2025-03"],"dark_hours_by_month":[420.5,380.2],
    "projects":[{"rank":1,"kind":"park","name":"Backaparken","length_m":240,"lamps":8,"cost_sek":410000,
                 "prevented_per_year":{"mean":0.9,"low":0.4,"high":1.3},"prevented_per_100k_sek":{"mean":0.22}}]})");
  return dir;
}

}  // namespace

TEST(Report, RendersTheSectionsThatHaveFiles) {
  const fs::path dir = make_run("report_en");
  report::ReportResult info;
  const std::string html = report::render_html(dir, "en", &info);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Police watch list"), std::string::npos);
  EXPECT_NE(html.find("Backaparken"), std::string::npos);
  EXPECT_NE(html.find("Kvarnbo torg &lt;main&gt;"), std::string::npos) << "names are escaped";
  EXPECT_NE(html.find("8.5"), std::string::npos) << "the backtest's PAI";
  // Self-contained: nothing fetched from anywhere.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(info.sections, (std::vector<std::string>{"map", "watch", "lighting"}));
  // Missing files are listed, not silently dropped.
  EXPECT_NE(std::find(info.missing.begin(), info.missing.end(), std::string(outputs::kRoutesJson)), info.missing.end());
  EXPECT_NE(html.find(outputs::kRoutesJson), std::string::npos);
}

TEST(Report, SwedishTextAndDecimalCommas) {
  const fs::path dir = make_run("report_sv");
  const std::string html = report::render_html(dir, "sv", nullptr);
  EXPECT_NE(html.find("Polisens bevakningslista"), std::string::npos);
  EXPECT_NE(html.find("lang=\"sv\""), std::string::npos);
  EXPECT_NE(html.find("8,5"), std::string::npos);
  EXPECT_THROW(report::render_html(dir, "de", nullptr), Error);
  EXPECT_THROW(report::render_html(dir / "nope", "en", nullptr), Error);
}

TEST(Report, BadJsonNamesTheFile) {
  const fs::path dir = make_run("report_bad");
  write_text_atomically(dir / outputs::kLightingJson, "{ not json");
  try {
    report::render_html(dir, "en", nullptr);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lighting.json"), std::string::npos) << e.what();
  }
}

TEST(Report, PdfWithChromiumWhereInstalled) {
  const fs::path dir = make_run("report_pdf");
  report::ReportOptions o;
  o.data = dir.string();
  o.lang = "sv";
  const auto r = report::write_report(o);
  ASSERT_TRUE(fs::exists(r.html));
  if (!r.pdf) GTEST_SKIP() << r.pdf_note;
  std::ifstream in(*r.pdf, std::ios::binary);
  std::string head(4, '\0');
  in.read(head.data(), 4);
  EXPECT_EQ(head, "%PDF");
}

TEST(Report, HotspotMapAndSituationPicture) {
  const fs::path dir = make_run("report_situation");
  {
    io::VectorWriter out(dir / outputs::kHotspotsGpkg, io::CrsContext::from_spec("EPSG:3006"));
    auto& g = out.add_layer(outputs::kGiStarLayer, io::GeometryKind::Line, {{"z", io::FieldType::Real}});
    g.add({3.1}, Polyline{{319000, 6400000}, {319100, 6400000}});   // hot at 99%
    g.add({0.2}, Polyline{{319100, 6400000}, {319100, 6400100}});   // not significant
    out.commit();
  }
  write_text_atomically(dir / outputs::kSituationJson, R"({"months":["2025-01","2025-02"],
    "levels":[{"level":4,"en":"high","sv":"hög"}],"trends":[{"code":"increasing","en":"increasing","sv":"ökande"}],
    "units":[{"id":"801","kind":"area","name":"Lindås","name_en":"Lindås","parameters":{"all":{
      "count":[10,12],"rate_per_km":[1.5,1.75],"change_prev_pct":[null,20.0],"change_year_pct":[null,null],
      "level":[0,4],"trend":["too_short","increasing"]}}}]})");
  report::ReportResult info;
  const std::string html = report::render_html(dir, "sv", &info);
  EXPECT_NE(std::find(info.sections.begin(), info.sections.end(), "hotspots"), info.sections.end());
  EXPECT_NE(std::find(info.sections.begin(), info.sections.end(), "situation"), info.sections.end());
  EXPECT_NE(html.find("#8b0000"), std::string::npos) << "the 99% hot segment is drawn dark red";
  EXPECT_NE(html.find("(1 heta, 0 kalla)"), std::string::npos) << html.substr(html.find("hotspots"), 400);
  EXPECT_NE(html.find("Lindås"), std::string::npos);
  EXPECT_NE(html.find("hög"), std::string::npos) << "the latest month's level, in Swedish";
  EXPECT_NE(html.find("ökande"), std::string::npos);
  EXPECT_NE(html.find("1,8"), std::string::npos) << "rate per km with a decimal comma";
  EXPECT_NE(html.find("20 %"), std::string::npos);
}

TEST(Report, NearRepeatsAndTheModel) {
  const fs::path dir = make_run("report_model");
  write_text_atomically(dir / outputs::kModelJson, R"({"parameters":[
    {"parameter":"vandalism","events":5318,"self_excitation":"em_from_knox","theta":0.153,"mean_delay_days":4.48,
     "sigma_m":66.3,"knox":{"near":{"within_m":100,"within_days":7,"ratio":1.11,"p_value":0.01},
     "extent_m":100,"extent_days":1}},
    {"parameter":"unsafe_place","events":1143,"self_excitation":"knox_gate","theta":0,"mean_delay_days":null,
     "sigma_m":null,"knox":{"near":{"within_m":100,"within_days":7,"ratio":1.04,"p_value":0.11},
     "extent_m":0,"extent_days":0}}]})");
  report::ReportResult info;
  const std::string html = report::render_html(dir, "sv", &info);
  EXPECT_NE(std::find(info.sections.begin(), info.sections.end(), "model"), info.sections.end());
  const std::string part = html.substr(html.find("id=\"model\""));
  EXPECT_NE(part.find("inom 100 m och 7 dagar"), std::string::npos);
  EXPECT_NE(part.find("1,11"), std::string::npos) << "the Knox ratio with a decimal comma";
  EXPECT_NE(part.find("15 %"), std::string::npos) << "share triggered";
  EXPECT_NE(part.find("100 m, 1 d"), std::string::npos);
  EXPECT_NE(part.find("nej: ingen sedd"), std::string::npos) << "the gated parameter says so";
}
