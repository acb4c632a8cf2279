// Duplicate reports: crafted cases with answers by hand, and a randomised
// comparison with a brute-force O(n^2) reading of the same rule.
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/taxonomy/dedup.hpp"

namespace tryggve {
namespace {

constexpr std::int64_t kT0 = 1711846800;  // any instant

Incident make(std::int64_t row, ParameterId p, double x, double y, double minutes) {
  Incident a;
  a.id = 1000 + row;
  a.source_row = row;
  a.parameter = p;
  a.pos = {x, y};
  a.time = {kT0 + static_cast<std::int64_t>(std::llround(minutes * 60)), 3600};
  a.has_time = true;
  a.category = "test";
  return a;
}

std::set<std::int64_t> kept_rows(const std::vector<Incident>& v) {
  std::set<std::int64_t> s;
  for (const auto& a : v) s.insert(a.source_row);
  return s;
}

TEST(Dedup, SamePlaceTenMinutesApartIsADuplicate) {
  RejectLog rejects;
  // Police report (row 2) comes later in the file but happened first.
  const auto kept = remove_duplicates({make(1, 0, 100, 100, 10), make(2, 0, 103, 104, 0)}, rejects, "all.csv");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].source_row, 2);
  ASSERT_EQ(rejects.size(), 1u);
  const Reject& r = rejects.items()[0];
  EXPECT_EQ(r.reason, RejectReason::Duplicate);
  EXPECT_EQ(r.source_row, 1);
  EXPECT_EQ(r.file, "all.csv");
  EXPECT_EQ(r.detail, "duplicate of row 2 (id 1002): same parameter, 5 m and 10 min apart");
}

TEST(Dedup, HundredMetresApartIsNot) {
  RejectLog rejects;
  const auto kept = remove_duplicates({make(1, 0, 0, 0, 0), make(2, 0, 100, 0, 5)}, rejects, "f");
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(rejects.size(), 0u);
}

TEST(Dedup, DifferentParameterIsNot) {
  RejectLog rejects;
  const auto kept = remove_duplicates({make(1, 0, 0, 0, 0), make(2, 1, 0, 0, 0)}, rejects, "f");
  EXPECT_EQ(kept.size(), 2u);
}

TEST(Dedup, BoundariesAreInclusive) {
  RejectLog rejects;
  // Exactly 25 m and 30 min: duplicate. 25.01 m or 30.5 min: not.
  auto kept = remove_duplicates({make(1, 0, 0, 0, 0), make(2, 0, 25, 0, 30)}, rejects, "f");
  EXPECT_EQ(kept.size(), 1u);
  kept = remove_duplicates({make(1, 0, 0, 0, 0), make(2, 0, 25.01, 0, 30)}, rejects, "f");
  EXPECT_EQ(kept.size(), 2u);
  kept = remove_duplicates({make(1, 0, 0, 0, 0), make(2, 0, 0, 0, 30.5)}, rejects, "f");
  EXPECT_EQ(kept.size(), 2u);
  kept = remove_duplicates({make(1, 0, 0, 0, 0), make(2, 0, 0, 0, 30.5)}, rejects, "f", {25.0, 31.0});
  EXPECT_EQ(kept.size(), 1u);
}

TEST(Dedup, ChainComparesWithKeptReportsOnly) {
  // 0, 20, 40, 60 minutes at one place: 20 duplicates 0; 40 is 40 min from the
  // kept 0 report so it is kept; 60 duplicates 40.
  RejectLog rejects;
  const auto kept = remove_duplicates(
      {make(1, 0, 0, 0, 0), make(2, 0, 0, 0, 20), make(3, 0, 0, 0, 40), make(4, 0, 0, 0, 60)}, rejects, "f");
  EXPECT_EQ(kept_rows(kept), (std::set<std::int64_t>{1, 3}));
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_NE(rejects.items()[1].detail.find("duplicate of row 3"), std::string::npos);
}

TEST(Dedup, SameTimeTieKeepsLowestRowAndIncidentsWithoutTimeStay) {
  RejectLog rejects;
  auto no_time = make(1, 0, 0, 0, 0);
  no_time.has_time = false;
  auto no_param = make(2, kNoParameter, 0, 0, 0);
  const auto kept =
      remove_duplicates({make(9, 0, 0, 0, 0), no_time, no_param, make(5, 0, 1, 1, 0)}, rejects, "f");
  EXPECT_EQ(kept_rows(kept), (std::set<std::int64_t>{1, 2, 5}));
  // Input order is kept.
  EXPECT_EQ(kept[0].source_row, 1);
  EXPECT_EQ(kept[2].source_row, 5);
}

TEST(Dedup, BadOptions) {
  RejectLog rejects;
  EXPECT_THROW(remove_duplicates({}, rejects, "f", {-1.0, 30.0}), Error);
  EXPECT_THROW(remove_duplicates({}, rejects, "f", {25.0, std::nan("")}), Error);
  EXPECT_TRUE(remove_duplicates({}, rejects, "f").empty());
}

// The rule read literally, in O(n^2): walk in (time, row) order and reject a
// report if any earlier kept report matches.
std::set<std::int64_t> brute_force(std::vector<Incident> v, const DedupOptions& o) {
  std::sort(v.begin(), v.end(), [](const Incident& a, const Incident& b) {
    return a.time.utc_seconds != b.time.utc_seconds ? a.time.utc_seconds < b.time.utc_seconds : a.source_row < b.source_row;
  });
  std::vector<const Incident*> kept;
  std::set<std::int64_t> rows;
  for (const auto& a : v) {
    bool dup = false;
    for (const Incident* k : kept)
      dup = dup || (k->parameter == a.parameter && distance(k->pos, a.pos) <= o.max_distance_m &&
                    a.time.utc_seconds - k->time.utc_seconds <= static_cast<std::int64_t>(o.max_minutes * 60));
    if (!dup) kept.push_back(&a), rows.insert(a.source_row);
  }
  return rows;
}

TEST(Dedup, MatchesBruteForceOnRandomReportsInAnyOrder) {
  std::mt19937_64 gen(20240331);
  std::uniform_real_distribution<double> xy(0, 400), minutes(0, 24 * 60);
  std::uniform_int_distribution<int> param(0, 2);
  std::vector<Incident> v;
  for (int i = 0; i < 2000; ++i) v.push_back(make(i + 1, static_cast<ParameterId>(param(gen)), xy(gen), xy(gen), std::floor(minutes(gen))));
  for (const DedupOptions o : {DedupOptions{}, DedupOptions{60.0, 120.0}, DedupOptions{0.0, 0.0}}) {
    const auto expect = brute_force(v, o);
    RejectLog rejects;
    const auto kept = remove_duplicates(v, rejects, "f", o);
    EXPECT_EQ(kept_rows(kept), expect);
    EXPECT_EQ(kept.size() + rejects.size(), v.size());
    auto shuffled = v;
    std::shuffle(shuffled.begin(), shuffled.end(), gen);
    RejectLog r2;
    EXPECT_EQ(kept_rows(remove_duplicates(shuffled, r2, "f", o)), expect);
  }
  // The default options find a real share of duplicates here (not a vacuous test).
  RejectLog rejects;
  EXPECT_GT(remove_duplicates(v, rejects, "f").size(), 1200u);
  EXPECT_GT(rejects.size(), 20u);
}

}  // namespace
}  // namespace tryggve
