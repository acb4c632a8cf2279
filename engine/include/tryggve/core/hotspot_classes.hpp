#pragma once
// The words for hotspot classes, in one place: the code a layer's `class` field
// holds, its Swedish and English name, and its colour. The hotspot module
// classifies with these codes; io's QGIS layer styles, the reports and the
// viewer (through the server) name and colour them from here. It sits in core
// because io, below hotspot in the module order, draws the legends.
//
// Gi* (local_stats): hot/cold at 90, 95, 99 % confidence, or none.
// Emerging hotspots (emerging): the 17 classes of ArcGIS Pro's Space Time
// Pattern Mining, in the order of hotspot::EmergingClass.
// Swedish: "brännpunkt" / "kallpunkt", the words the month report uses in its
// sentences, so a legend and a sentence never name one class two ways.
#include <cstdint>
#include <span>
#include <string_view>

namespace tryggve::hotspot_classes {

struct Rgb {
  std::uint8_t r, g, b;
};

struct ClassInfo {
  std::string_view code, label_sv, label_en;
  Rgb colour;
  std::string_view label(bool sv) const { return sv ? label_sv : label_en; }
};

// hot_99, hot_95, hot_90, none, cold_90, cold_95, cold_99: hot to cold, the
// order a legend lists them.
std::span<const ClassInfo> gistar();
// no_pattern, new_hot, ..., historical_hot, new_cold, ..., historical_cold: the
// order of hotspot::EmergingClass.
std::span<const ClassInfo> emerging();

// The Gi* code of a significant unit: hot_cold +1/-1, confidence 90/95/99;
// "none" otherwise.
std::string_view gistar_code(int hot_cold, int confidence);

// The class with this code in either list; nullptr when none has it.
const ClassInfo* find(std::string_view code);

}  // namespace tryggve::hotspot_classes
