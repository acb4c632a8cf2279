#include "tryggve/pipeline/evidence_file.hpp"

#include <fstream>
#include <sstream>

#include "tryggve/core/error.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/core/text.hpp"

namespace tryggve::pipeline {

simulation::EvidenceTable load_evidence(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileNotFound, file.string(), "cannot open the evidence table");
  std::ostringstream ss;
  ss << in.rdbuf();
  return simulation::EvidenceTable::parse(decode_text_logged(ss.str(), file.string()), file.string());
}

simulation::EvidenceTable load_default_evidence() { return load_evidence(data_dir() / "evidence.csv"); }

simulation::EvidenceTable load_evidence_or_default(const std::filesystem::path& file) {
  return file.empty() ? load_default_evidence() : load_evidence(file);
}

}  // namespace tryggve::pipeline
