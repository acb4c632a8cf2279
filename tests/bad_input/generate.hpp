#pragma once
// The binary part of the bad-input corpus (GeoPackage, Shapefile, OSM PBF),
// written by code at test time instead of committed: each generator makes one
// file (named in manifest.csv as gen/NAME) in a folder.
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace tryggve::test::bad_input {

// NAME -> a function that writes it (with its side files) as dir/NAME.
const std::map<std::string, std::function<void(const std::filesystem::path& file)>>& generators();

}  // namespace tryggve::test::bad_input
