#include "tryggve/core/hotspot_classes.hpp"

#include <array>

namespace tryggve::hotspot_classes {

namespace {

// Colours: ColorBrewer's RdBu for hot and cold (darker = surer), grey for
// nothing; the emerging classes keep ArcGIS Pro's hues so an analyst who knows
// its legend reads ours at once.
constexpr std::array<ClassInfo, 7> kGistar = {{
    {"hot_99", "Brännpunkt, 99 % säkerhet", "Hot spot, 99% confidence", {189, 0, 38}},
    {"hot_95", "Brännpunkt, 95 % säkerhet", "Hot spot, 95% confidence", {240, 59, 32}},
    {"hot_90", "Brännpunkt, 90 % säkerhet", "Hot spot, 90% confidence", {253, 141, 60}},
    {"none", "Inte signifikant", "Not significant", {190, 190, 190}},
    {"cold_90", "Kallpunkt, 90 % säkerhet", "Cold spot, 90% confidence", {158, 202, 225}},
    {"cold_95", "Kallpunkt, 95 % säkerhet", "Cold spot, 95% confidence", {66, 146, 198}},
    {"cold_99", "Kallpunkt, 99 % säkerhet", "Cold spot, 99% confidence", {8, 81, 156}},
}};

constexpr std::array<ClassInfo, 17> kEmerging = {{
    {"no_pattern", "Inget mönster", "No pattern", {200, 200, 200}},
    {"new_hot", "Ny brännpunkt", "New hot spot", {255, 0, 0}},
    {"consecutive_hot", "Sammanhängande brännpunkt", "Consecutive hot spot", {230, 85, 13}},
    {"intensifying_hot", "Förstärkt brännpunkt", "Intensifying hot spot", {165, 0, 38}},
    {"persistent_hot", "Ihållande brännpunkt", "Persistent hot spot", {215, 48, 39}},
    {"diminishing_hot", "Avtagande brännpunkt", "Diminishing hot spot", {244, 165, 130}},
    {"sporadic_hot", "Sporadisk brännpunkt", "Sporadic hot spot", {253, 174, 97}},
    {"oscillating_hot", "Pendlande brännpunkt", "Oscillating hot spot", {197, 27, 125}},
    {"historical_hot", "Historisk brännpunkt", "Historical hot spot", {191, 129, 45}},
    {"new_cold", "Ny kallpunkt", "New cold spot", {0, 0, 255}},
    {"consecutive_cold", "Sammanhängande kallpunkt", "Consecutive cold spot", {49, 130, 189}},
    {"intensifying_cold", "Förstärkt kallpunkt", "Intensifying cold spot", {8, 48, 107}},
    {"persistent_cold", "Ihållande kallpunkt", "Persistent cold spot", {33, 102, 172}},
    {"diminishing_cold", "Avtagande kallpunkt", "Diminishing cold spot", {146, 197, 222}},
    {"sporadic_cold", "Sporadisk kallpunkt", "Sporadic cold spot", {107, 174, 214}},
    {"oscillating_cold", "Pendlande kallpunkt", "Oscillating cold spot", {118, 42, 131}},
    {"historical_cold", "Historisk kallpunkt", "Historical cold spot", {128, 205, 193}},
}};

}  // namespace

std::span<const ClassInfo> gistar() { return kGistar; }
std::span<const ClassInfo> emerging() { return kEmerging; }

std::string_view gistar_code(int hot_cold, int confidence) {
  // kGistar runs hot_99, hot_95, hot_90, none, cold_90, cold_95, cold_99.
  const int step = confidence == 99 ? 3 : confidence == 95 ? 2 : confidence == 90 ? 1 : 0;
  if (hot_cold == 0 || step == 0) return kGistar[3].code;
  return kGistar[static_cast<std::size_t>(3 - (hot_cold > 0 ? step : -step))].code;
}

const ClassInfo* find(std::string_view code) {
  for (const auto& c : kGistar)
    if (c.code == code) return &c;
  for (const auto& c : kEmerging)
    if (c.code == code) return &c;
  return nullptr;
}

}  // namespace tryggve::hotspot_classes
