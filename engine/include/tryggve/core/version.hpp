#pragma once
namespace tryggve {
inline constexpr const char* kVersion = TRYGGVE_VERSION;
}
