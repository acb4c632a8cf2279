#pragma once
// One reported incident, after reading and classification, before snapping.
#include <cstdint>
#include <string>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve {

enum class Setting : std::uint8_t { Unknown = 0, Outdoor = 1, Indoor = 2 };

// Index of one of the taxonomy's parameters (0-based, in taxonomy order).
using ParameterId = std::uint16_t;
inline constexpr ParameterId kNoParameter = 0xFFFF;

struct Incident {
  std::int64_t id = 0;          // the source's id if it has one, else the row number
  std::int64_t source_row = 0;  // 1-based row / feature number in the source file
  Point pos;                    // in the run's CRS
  Timestamp time;
  bool has_time = false;
  ParameterId parameter = kNoParameter;
  std::string category;  // the source's own label, kept as read
  std::string actor;     // who reported it (police, school, housing, transit, parks ...)
  Setting setting = Setting::Unknown;
  std::string text;
  double weight = 1.0;   // multiplicity / user weight (the severity weight comes from the taxonomy)
};

}  // namespace tryggve
