# tryggve_module(NAME name DEPENDS tryggve::a tryggve::b ... LIBS Ext::lib ...)
#
# One engine module = one static library target `tryggve_<name>` (alias
# `tryggve::<name>`) built from engine/src/<name>/*.cpp, with public headers in
# engine/include/tryggve/<name>/. A module may include only the headers of the
# modules it DEPENDS on; the link line enforces the layering (core at the bottom,
# nothing depends on cli or server), as valhalla's valhalla_module() does.
# Precompiled headers: one per group (engine modules, tests, the CLI), compiled for
# the group's first target and reused by the others (the flags are the same). Only
# stable third-party and standard headers: a project header in a PCH would rebuild
# everything on every edit.
set(TRYGGVE_PCH_STD <algorithm> <array> <cmath> <cstdint> <filesystem> <functional> <map> <memory> <optional>
    <set> <span> <string> <unordered_map> <vector>)
set(TRYGGVE_PCH_ENGINE ${TRYGGVE_PCH_STD} <fmt/format.h> <nlohmann/json.hpp> <oneapi/tbb/parallel_for.h>)
set(TRYGGVE_PCH_TESTS ${TRYGGVE_PCH_ENGINE} <gtest/gtest.h>)
set(TRYGGVE_PCH_CLI ${TRYGGVE_PCH_ENGINE} <CLI/CLI.hpp>)

# tryggve_precompile(target group): the group's first target compiles the PCH,
# the rest reuse it.
function(tryggve_precompile TARGET GROUP)
  if(NOT TRYGGVE_PCH)
    return()
  endif()
  get_property(_donor GLOBAL PROPERTY TRYGGVE_PCH_DONOR_${GROUP})
  if(_donor)
    target_precompile_headers(${TARGET} REUSE_FROM ${_donor})
  else()
    target_precompile_headers(${TARGET} PRIVATE ${TRYGGVE_PCH_${GROUP}})
    set_property(GLOBAL PROPERTY TRYGGVE_PCH_DONOR_${GROUP} ${TARGET})
  endif()
endfunction()

function(tryggve_module)
  cmake_parse_arguments(M "" "NAME" "DEPENDS;LIBS;PRIVATE_LIBS" ${ARGN})
  file(GLOB _src CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/${M_NAME}/*.cpp)
  file(GLOB _hdr CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/include/tryggve/${M_NAME}/*.hpp)
  if(NOT _src)
    # A module still being written (headers only so far) is an interface target,
    # so the layering is declared before the first source file lands.
    add_library(tryggve_${M_NAME} INTERFACE)
    target_include_directories(tryggve_${M_NAME} INTERFACE $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
    target_link_libraries(tryggve_${M_NAME} INTERFACE ${M_DEPENDS} ${M_LIBS})
    add_library(tryggve::${M_NAME} ALIAS tryggve_${M_NAME})
    return()
  endif()
  add_library(tryggve_${M_NAME} STATIC ${_src} ${_hdr})
  add_library(tryggve::${M_NAME} ALIAS tryggve_${M_NAME})
  target_include_directories(tryggve_${M_NAME} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
  target_compile_definitions(tryggve_${M_NAME} PUBLIC GEOS_USE_ONLY_R_API)
  target_link_libraries(tryggve_${M_NAME} PUBLIC ${M_DEPENDS} ${M_LIBS} PRIVATE ${M_PRIVATE_LIBS})
  set_target_properties(tryggve_${M_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  tryggve_precompile(tryggve_${M_NAME} ENGINE)
  set_property(GLOBAL APPEND PROPERTY TRYGGVE_MODULES ${M_NAME})
endfunction()

# tryggve_test(module [LABELS ...] [DEPENDS ...] [THREADS gtest-filter]):
# tests/<module>/*.cpp -> test_<module>. THREADS names the tests that run the
# module's parallel code at more than one thread; they get the label `threads`
# too. The ThreadSanitizer build (TRYGGVE_TSAN) builds only the modules that
# have such tests and registers only those tests (tools/setup.sh tsan).
function(tryggve_test MODULE)
  cmake_parse_arguments(T "" "THREADS" "LABELS;DEPENDS" ${ARGN})
  if(TRYGGVE_TSAN AND NOT T_THREADS)
    return()
  endif()
  file(GLOB _src CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${MODULE}/*.cpp)
  if(NOT _src)
    return()
  endif()
  add_executable(test_${MODULE} ${_src})
  target_link_libraries(test_${MODULE} PRIVATE tryggve::${MODULE} ${T_DEPENDS} tryggve_testsupport GTest::gtest_main GTest::gmock)
  tryggve_precompile(test_${MODULE} TESTS)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  set(_env "TRYGGVE_SHARED_DATA=${TRYGGVE_SHARED_DATA_DIR};TRYGGVE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if(T_THREADS)
    gtest_discover_tests(test_${MODULE} TEST_FILTER "${T_THREADS}"
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
      PROPERTIES LABELS "${T_LABELS};threads" ENVIRONMENT "${_env}"
      DISCOVERY_TIMEOUT 60)
    if(TRYGGVE_TSAN)
      return()
    endif()
    set(_rest "-${T_THREADS}")
  endif()
  gtest_discover_tests(test_${MODULE} TEST_FILTER "${_rest}"
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
    PROPERTIES LABELS "${T_LABELS}" ENVIRONMENT "${_env}"
    DISCOVERY_TIMEOUT 60)
endfunction()
