#include "tryggve/pipeline/run_folder.hpp"

#include "tryggve/core/error.hpp"

namespace tryggve::pipeline {

namespace fs = std::filesystem;

RunFolder::RunFolder(fs::path dir) : dir_(std::move(dir)) {}
RunFolder::RunFolder(fs::path dir, std::string lang) : dir_(std::move(dir)), lang_(std::move(lang)) {
  if (lang_ != "sv" && lang_ != "en") throw Error(ErrorCode::BadOption, "lang", "expected sv or en, got '" + lang_ + "'");
}

fs::path RunFolder::scenario_dir(const std::string& name) const { return dir_ / outputs::kScenariosDir / name; }

void RunFolder::create(std::string_view sub) const {
  const fs::path d = sub.empty() ? dir_ : dir_ / sub;
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, d.string(), "cannot create folder: " + ec.message());
}

}  // namespace tryggve::pipeline
