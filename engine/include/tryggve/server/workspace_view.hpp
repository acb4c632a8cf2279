#pragma once
// The server's read-only view of a workspace (a GeoPackage, workspace/): what the
// viewer's month timeline, picture, proposals, deployments and follow-ups show.
//
//   GET /api/workspace                      {"months":[{month, incidents, reports, assessments, proposals}],
//                                            "deployments": n, "followups": n}
//   GET /api/workspace/picture?month=M      the month's assessments rows (situation picture)
//   GET /api/workspace/proposals?month=M    GeoJSON (WGS84) of the proposals made for month M
//   GET /api/workspace/deployments          GeoJSON (WGS84) of every deployment
//   GET /api/workspace/followups?deployment=ID   the follow-up rows of one deployment, by month
//
// The file is only ever opened read-only. Errors name "workspace", never a path.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace tryggve::server {

class WorkspaceView {
 public:
  // Throws Error(FileNotFound) for a missing file, Error(BadWorkspace) naming
  // the option (not the path) if it is not a workspace GeoPackage.
  explicit WorkspaceView(std::filesystem::path gpkg);

  nlohmann::json summary() const;
  // `month`: YYYY-MM (Error(BadOption) otherwise).
  nlohmann::json picture(const std::string& month) const;
  std::string proposals(const std::string& month) const;
  std::string deployments() const;
  nlohmann::json followups(std::int64_t deployment) const;

  // True for a YYYY-MM text.
  static bool valid_month(const std::string& m);

 private:
  std::filesystem::path file_;
};

}  // namespace tryggve::server
