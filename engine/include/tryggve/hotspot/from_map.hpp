#pragma once
// The bridge between the map stage and the hotspot runs (hotspot/runs.hpp), and the
// writer of their tables. Header-only on purpose: the hotspot library itself stays
// below pipeline and io in the module layering; code that includes this header (the
// CLI, scenario runs, tests) links tryggve::pipeline and tryggve::io anyway.
#include <filesystem>
#include <string>

#include "tryggve/core/error.hpp"
#include "tryggve/hotspot/runs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/map_stage.hpp"

namespace tryggve::hotspot {

// Views the map result's network, lixels and taxonomy (which must outlive the
// returned value) and copies the placed incidents' positions, times and parameters.
inline HotspotIncidents input_from_map(const pipeline::MapResult& m) {
  HotspotIncidents in;
  in.net = &m.net;
  in.lixels = &m.lixels;
  in.taxonomy = &m.taxonomy;
  in.source = m.incidents_file;
  const std::size_t n = m.incidents.size();
  in.positions.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    in.positions.push_back(m.snaps[k].position());
    in.times.push_back(m.incidents[k].time);
    in.has_time.push_back(m.incidents[k].has_time ? 1 : 0);
    in.parameters.push_back(m.incidents[k].parameter);
    in.weights.push_back(m.incidents[k].weight);
  }
  return in;
}

// .csv: the table as CSV (no geometry); .gpkg, .geojson, .fgb: one layer named after
// the table, with the rows' line geometry when they have one. Atomic either way.
inline void write_unit_table(const UnitTable& t, const std::filesystem::path& out, const io::CrsContext& crs) {
  std::string ext = out.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".csv") {
    t.write_csv(out);
    return;
  }
  io::VectorWriter w(out, crs);
  std::vector<io::FieldDef> fields;
  for (const auto& c : t.columns)
    fields.push_back({c.name, c.type == TableColumn::Type::Text      ? io::FieldType::String
                              : c.type == TableColumn::Type::Integer ? io::FieldType::Int64
                                                                     : io::FieldType::Real});
  const bool lines = !t.geometry.empty();
  auto& layer = w.add_layer(t.name, lines ? io::GeometryKind::Line : io::GeometryKind::None, fields);
  const std::size_t n = t.rows();
  std::vector<io::FieldValue> values(t.columns.size());
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto& col = t.columns[c];
      if (col.type == TableColumn::Type::Text) values[c] = col.texts[r];
      else if (std::isnan(col.numbers[r])) values[c] = std::nullopt;
      else if (col.type == TableColumn::Type::Integer) values[c] = static_cast<long long>(col.numbers[r]);
      else values[c] = col.numbers[r];
    }
    if (lines) layer.add(values, t.geometry[r]);
    else layer.add(values);
  }
  w.commit();
}

}  // namespace tryggve::hotspot
