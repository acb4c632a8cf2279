#include "test_data.hpp"

namespace tryggve::test {
std::filesystem::path configured_shared_data() { return TRYGGVE_TEST_SHARED_DATA; }
std::filesystem::path configured_fixtures() { return TRYGGVE_TEST_FIXTURES; }
}  // namespace tryggve::test
