#pragma once
// GDAL set-up shared by every reader and writer: drivers registered once, GDAL's
// own messages routed into our log (and, while a GdalMessages is alive on this
// thread, collected so they can be quoted in a tryggve::Error), and the OSM
// driver pointed at engine/data/osmconf.ini so that the tags Tryggve needs
// (highway, name, lit, tunnel, bridge, leisure, landuse, railway,
// public_transport, amenity, area) are fields of the points / lines /
// multipolygons layers.
#include <string>
#include <vector>

namespace tryggve::io {

// Idempotent and thread-safe: GDALAllRegister, the error handler, OSM_CONFIG_FILE.
// Every io function calls it; call it yourself only before using GDAL directly.
void ensure_gdal();

// The osmconf.ini shipped in data_dir().
std::string osm_config_path();

// Collects GDAL's warnings and errors raised on this thread while it lives
// (a scoped CPL error handler), e.g. to quote them in an Error message.
class GdalMessages {
 public:
  GdalMessages();
  ~GdalMessages();
  GdalMessages(const GdalMessages&) = delete;
  GdalMessages& operator=(const GdalMessages&) = delete;

  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The last error (or warning if no error), "" if none: for "...: <reason>" messages.
  std::string last() const;
  void clear() { errors_.clear(); warnings_.clear(); }

  // Internal: called by the CPL handler.
  void add(bool is_error, std::string msg);

 private:
  std::vector<std::string> errors_, warnings_;
};

}  // namespace tryggve::io
