#pragma once
// QGIS layer styles for the GeoPackages Tryggve writes: a `layer_styles` table in
// QGIS's own schema with one default QML style per layer, so a file opens in
// QGIS styled and labelled, in the run's language. Private to io (the vector
// writer calls it); the styles per layer kind are described in layer_styles.cpp
// and nowhere else.
#include <string>
#include <vector>

#include "tryggve/io/vector_writer.hpp"

class GDALDataset;

namespace tryggve::io::styles {

// The field whose values a layer's graduated renderer classes (its breaks come
// from the data), or -1 if the layer's style needs none.
int graduated_field(const std::vector<FieldDef>& fields);

struct LayerStyle {
  std::string layer;
  std::string kind;   // emerging, hotspot_class, z_score, density, count, plain
  std::string field;  // the field the renderer uses ("" for plain)
  std::string label_field;
  std::string qml;
};

// The style of one layer. `values`: the graduated field's values as written
// (ignored by the other kinds). `lang`: "sv" or "en" (legend labels).
LayerStyle style_for(const std::string& layer, GeometryKind kind, const std::vector<FieldDef>& fields,
                     std::vector<double> values, const std::string& lang);

// Creates `layer_styles` in `ds` (a GeoPackage being written) with one row per
// style. `update_time`: ISO 8601 text for the rows. Throws Error(OutputFailed) naming `where`.
void write_layer_styles(GDALDataset& ds, const std::vector<LayerStyle>& styles, const std::string& update_time,
                        const std::string& where);

}  // namespace tryggve::io::styles
