#pragma once
// The evidence table read from its file: simulation/ parses text and stays free
// of file I/O, so the one reader of evidence.csv lives here with the stages that
// take `--evidence` / `evidence:` options.
#include <filesystem>

#include "tryggve/simulation/evidence.hpp"

namespace tryggve::pipeline {

// Throws Error(FileNotFound / BadValue) naming "file:line" and what was expected.
// The file may be UTF-8 (with or without a byte-order mark), UTF-16 with a mark,
// or Windows-1252 (core/text.hpp).
simulation::EvidenceTable load_evidence(const std::filesystem::path& file);
// engine/data/evidence.csv (core/paths.hpp data_dir()).
simulation::EvidenceTable load_default_evidence();
// `file`, or the shipped table when `file` is empty (the options' default).
simulation::EvidenceTable load_evidence_or_default(const std::filesystem::path& file);

}  // namespace tryggve::pipeline
