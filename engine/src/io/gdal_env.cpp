#include "tryggve/io/gdal_env.hpp"

#include <filesystem>
#include <mutex>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>

#include "tryggve/core/log.hpp"
#include "tryggve/core/paths.hpp"

namespace tryggve::io {

namespace {

// Outside a GdalMessages scope GDAL's messages go to our log. Warnings are
// debug level: GDAL warns about things the readers handle themselves (OSM's
// unclosed rings, organizePolygons() fallbacks), and a user-facing problem is
// reported by the reader with its file and feature.
void CPL_STDCALL log_handler(CPLErr level, CPLErrorNum num, const char* msg) {
  if (level == CE_Failure || level == CE_Fatal)
    log::debug("GDAL error {}: {}", static_cast<int>(num), msg ? msg : "");
  else
    log::debug("GDAL: {}", msg ? msg : "");
}

void CPL_STDCALL collecting_handler(CPLErr level, CPLErrorNum num, const char* msg) {
  auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
  if (self && level != CE_Debug) self->add(level == CE_Failure || level == CE_Fatal, msg ? msg : "");
  log_handler(level, num, msg);
}

}  // namespace

std::string osm_config_path() { return (data_dir() / "osmconf.ini").string(); }

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(log_handler);
    // Ours, not the user's environment's: the readers rely on its fields.
    CPLSetConfigOption("OSM_CONFIG_FILE", osm_config_path().c_str());
  });
}

GdalMessages::GdalMessages() {
  ensure_gdal();
  CPLPushErrorHandlerEx(collecting_handler, this);
}

GdalMessages::~GdalMessages() { CPLPopErrorHandler(); }

void GdalMessages::add(bool is_error, std::string msg) {
  auto& v = is_error ? errors_ : warnings_;
  if (v.size() < 100) v.push_back(std::move(msg));  // bounded: a broken file can warn per feature
}

std::string GdalMessages::last() const {
  if (!errors_.empty()) return errors_.back();
  if (!warnings_.empty()) return warnings_.back();
  return {};
}

}  // namespace tryggve::io
