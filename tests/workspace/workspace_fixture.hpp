#pragma once
// The workspace tests run every body against both back ends: a GeoPackage
// file, and a real PostgreSQL server (TRYGGVE_TEST_PG, a connection string to
// a database where the test may CREATE DATABASE; tools/setup.sh starts a
// throw-away server and sets it). Without TRYGGVE_TEST_PG the PostgreSQL half
// skips on a developer's machine and fails in CI (TRYGGVE_REQUIRE_PG=1).
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "test_data.hpp"
#include "tryggve/io/database.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::test {

enum class Backend { GeoPackage, PostgreSQL };

inline std::string backend_name(const testing::TestParamInfo<Backend>& i) {
  return i.param == Backend::GeoPackage ? "GeoPackage" : "PostgreSQL";
}

inline std::string ws_fixture(const std::string& name) { return (fixtures() / "workspace" / name).string(); }

// "PG:host=... dbname=postgres" with another dbname.
inline std::string with_dbname(const std::string& conn, const std::string& db) {
  std::string s = conn;
  const auto p = s.find("dbname=");
  if (p == std::string::npos) return s + " dbname=" + db;
  const auto e = s.find(' ', p);
  return s.replace(p, (e == std::string::npos ? s.size() : e) - p, "dbname=" + db);
}

// A new, empty workspace target for one test: a .gpkg path in a fresh folder,
// or a fresh PostgreSQL database (dropped at the end).
class WorkspaceTarget {
 public:
  WorkspaceTarget(Backend b, const std::string& name) : backend_(b) {
    static std::atomic<int> counter{0};
    const std::string unique = name + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (b == Backend::GeoPackage) {
      dir_ = temp_dir("ws_" + unique);
      target_ = (dir_ / "workspace.gpkg").string();
      return;
    }
    const char* pg = std::getenv("TRYGGVE_TEST_PG");
    if (!pg || !*pg) return;
    server_ = pg;
    dbname_ = "tryggve_" + unique;
    for (char& c : dbname_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto admin = io::Database::open(server_);
    admin->execute("CREATE DATABASE " + dbname_);
    target_ = with_dbname(server_, dbname_);
    dir_ = temp_dir("ws_" + unique);
  }
  ~WorkspaceTarget() {
    if (!dbname_.empty()) {
      try {
        auto admin = io::Database::open(server_);
        admin->execute("DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)");
      } catch (...) {
      }
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  // Empty when PostgreSQL is wanted but not configured (the test skips).
  const std::string& target() const { return target_; }
  const std::filesystem::path& dir() const { return dir_; }
  Backend backend() const { return backend_; }

 private:
  Backend backend_;
  std::string target_, server_, dbname_;
  std::filesystem::path dir_;
};

// The tiny district (tests/fixtures/workspace/district.osm + areas.geojson).
inline pipeline::MapOptions tiny_district() {
  pipeline::MapOptions o;
  o.streets = ws_fixture("district.osm");
  o.areas = ws_fixture("areas.geojson");
  o.crs = "EPSG:3006";
  return o;
}

}  // namespace tryggve::test

#define TRYGGVE_WS_TARGET(var, backend, name)                                                      \
  ::tryggve::test::WorkspaceTarget var(backend, name);                                            \
  do {                                                                                             \
    if (var.target().empty()) {                                                                    \
      if (std::getenv("TRYGGVE_REQUIRE_PG")) FAIL() << "TRYGGVE_TEST_PG is not set (CI needs it)"; \
      GTEST_SKIP() << "TRYGGVE_TEST_PG not set: no PostgreSQL server for this test";               \
    }                                                                                              \
  } while (0)
