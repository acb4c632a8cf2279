# tryggve_module(NAME name [HOT] DEPENDS tryggve::a tryggve::b ... LIBS Ext::lib ...
#                [PRIVATE_LIBS ...] [COLD_SOURCES file.cpp ...])
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

# Build time of the sanitizer trees (tools/setup.sh sanitize, tsan): their code is
# mostly I/O, JSON and orchestration, which clang optimises slowly under ASan (2.6x
# the -O0 time) while their tests spend their time in the numeric kernels. So the
# modules declared HOT (the kernels) keep the tree's flags, and TRYGGVE_COLD_FLAGS
# (e.g. -O0) is added to every other module and the CLI. tools/setup.sh's own build
# uses -O1 there; empty (the default, and the benchmarks' build): optimised throughout.
set(TRYGGVE_COLD_FLAGS "" CACHE STRING "Compile flags added to the engine's modules not declared HOT (the sanitizer trees: -O0)")
# The test programs' own code: their time is in the engine, and gcc compiles them at
# -O1 in three quarters of the -O2 time (the sanitizer trees: -O0).
set(TRYGGVE_TEST_FLAGS "-O1" CACHE STRING "Compile flags added to the test programs")

# tryggve_precompile(target group): the group's first target compiles the PCH,
# the rest reuse it. A PCH is only valid with the flags it was made with, so the
# cold targets form groups of their own (GROUP_COLD) when TRYGGVE_COLD_FLAGS is set.
function(tryggve_precompile TARGET GROUP)
  if(NOT TRYGGVE_PCH)
    return()
  endif()
  set(_list ${TRYGGVE_PCH_${GROUP}})
  if(GROUP MATCHES "_COLD$")
    string(REGEX REPLACE "_COLD$" "" _base ${GROUP})
    set(_list ${TRYGGVE_PCH_${_base}})
  endif()
  get_property(_donor GLOBAL PROPERTY TRYGGVE_PCH_DONOR_${GROUP})
  if(_donor)
    target_precompile_headers(${TARGET} REUSE_FROM ${_donor})
  else()
    target_precompile_headers(${TARGET} PRIVATE ${_list})
    set_property(GLOBAL PROPERTY TRYGGVE_PCH_DONOR_${GROUP} ${TARGET})
  endif()
endfunction()

# tryggve_cold(target flags-variable [group]): the flags in that variable
# (TRYGGVE_COLD_FLAGS or TRYGGVE_TEST_FLAGS) on TARGET, and its PCH group if given.
function(tryggve_cold TARGET FLAGS_VAR)
  set(_group ${ARGN})
  if(${FLAGS_VAR})
    separate_arguments(_flags UNIX_COMMAND "${${FLAGS_VAR}}")
    target_compile_options(${TARGET} PRIVATE ${_flags})
    if(_group)
      set(_group ${_group}_COLD)
    endif()
  endif()
  if(_group)
    tryggve_precompile(${TARGET} ${_group})
  endif()
endfunction()

function(tryggve_module)
  cmake_parse_arguments(M "HOT" "NAME" "DEPENDS;LIBS;PRIVATE_LIBS;COLD_SOURCES" ${ARGN})
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
  if(M_HOT)
    tryggve_precompile(tryggve_${M_NAME} ENGINE)
    # A HOT module's files that are I/O rather than numbers: cold, without the
    # (optimised) PCH, whose flags they no longer share.
    if(TRYGGVE_COLD_FLAGS AND M_COLD_SOURCES)
      list(TRANSFORM M_COLD_SOURCES PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/src/${M_NAME}/)
      separate_arguments(_flags UNIX_COMMAND "${TRYGGVE_COLD_FLAGS}")
      set_source_files_properties(${M_COLD_SOURCES} PROPERTIES COMPILE_OPTIONS "${_flags}" SKIP_PRECOMPILE_HEADERS ON)
    endif()
  else()
    tryggve_cold(tryggve_${M_NAME} TRYGGVE_COLD_FLAGS ENGINE)
  endif()
  set_property(GLOBAL APPEND PROPERTY TRYGGVE_MODULES ${M_NAME})
  tryggve_check_headers(${M_NAME} "${_hdr}")
endfunction()

# check-headers: every public header compiles alone, with only its own module's
# public usage requirements (one generated .cpp per header), so a header that leans on
# what its includer happened to include first fails here instead of in someone's new
# file. Not part of `all` (about a hundred extra translation units); CI builds it
# (tools/setup.sh test).
if(NOT TARGET check-headers)
  add_custom_target(check-headers)
endif()
function(tryggve_check_headers MODULE HEADERS)
  if(NOT HEADERS)
    return()
  endif()
  set(_cpp)
  foreach(_h IN LISTS HEADERS)
    get_filename_component(_stem ${_h} NAME_WE)
    set(_out ${CMAKE_BINARY_DIR}/check_headers/${MODULE}/${_stem}.cpp)
    file(CONFIGURE OUTPUT ${_out} CONTENT "#include \"tryggve/${MODULE}/${_stem}.hpp\"\n")
    list(APPEND _cpp ${_out})
  endforeach()
  add_library(check_headers_${MODULE} OBJECT EXCLUDE_FROM_ALL ${_cpp})
  target_link_libraries(check_headers_${MODULE} PRIVATE tryggve::${MODULE})
  # Only whether it compiles matters: no optimisation, no debug information, and
  # with clang no object at all (CI builds it in the clang TSan tree).
  target_compile_options(check_headers_${MODULE} PRIVATE -O0 -g0 $<$<CXX_COMPILER_ID:Clang>:-fsyntax-only>)
  add_dependencies(check-headers check_headers_${MODULE})
endfunction()

# tryggve_thread_test_sources(out filter file...): the files that define a test of a
# suite named in the gtest filter (Suite.* or Suite.Name, ':'-separated). The TSan
# tree compiles only those: most of a module's test files never run there.
function(tryggve_thread_test_sources OUT FILTER)
  string(REPLACE ":" ";" _patterns "${FILTER}")
  set(_suites)
  foreach(_p IN LISTS _patterns)
    string(REGEX REPLACE "[.].*$" "" _suite "${_p}")
    list(APPEND _suites ${_suite})
  endforeach()
  list(REMOVE_DUPLICATES _suites)
  list(JOIN _suites "|" _alternatives)
  set(_keep)
  foreach(_f IN LISTS ARGN)
    file(STRINGS ${_f} _hits REGEX "TEST(_F|_P)?[(][ ]*(${_alternatives})[ ]*,")
    if(_hits)
      list(APPEND _keep ${_f})
    endif()
  endforeach()
  set(${OUT} ${_keep} PARENT_SCOPE)
endfunction()

# tryggve_test(module [LABELS ...] [DEPENDS ...] [THREADS gtest-filter] [SLOW test ...]):
# tests/<module>/*.cpp -> test_<module>, its tests labelled by tryggve_discover_tests
# (LABELS, default `unit`; `threads` for the THREADS ones; `fast` or `slow`). The
# ThreadSanitizer build (TRYGGVE_TSAN) builds only the modules that have THREADS tests,
# only their files that hold them, and registers only those tests (tools/setup.sh tsan).
function(tryggve_test MODULE)
  cmake_parse_arguments(T "" "THREADS" "LABELS;DEPENDS;SLOW" ${ARGN})
  if(TRYGGVE_TSAN AND NOT T_THREADS)
    return()
  endif()
  file(GLOB _src CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${MODULE}/*.cpp)
  if(TRYGGVE_TSAN)
    tryggve_thread_test_sources(_src "${T_THREADS}" ${_src})
  endif()
  if(NOT _src)
    return()
  endif()
  add_executable(test_${MODULE} ${_src})
  target_link_libraries(test_${MODULE} PRIVATE tryggve::${MODULE} ${T_DEPENDS} tryggve_testsupport GTest::gtest_main GTest::gmock)
  tryggve_cold(test_${MODULE} TRYGGVE_TEST_FLAGS TESTS)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  set(_threads)
  if(T_THREADS)
    set(_threads THREADS "${T_THREADS}")
  endif()
  tryggve_discover_tests(test_${MODULE} LABELS ${T_LABELS} ${_threads} SLOW ${T_SLOW}
    ENVIRONMENT "TRYGGVE_SHARED_DATA=${TRYGGVE_SHARED_DATA_DIR}" "TRYGGVE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# The sanitizer tree runs only the fast tests, and there each test process costs a
# quarter of a second before its first line (ASan, GDAL, PROJ): with
# TRYGGVE_TEST_PER_PROGRAM each program's fast tests run as one CTest instead
# (tools/setup.sh sanitize): 23 CTests in 197 s, where 964 took 233 s with the tests
# compiled at -O1 (-O0 now).
option(TRYGGVE_TEST_PER_PROGRAM "One CTest per test program (its fast tests), not one per test" OFF)

# tryggve_discover_tests(target LABELS ... [THREADS gtest-filter] [SLOW test ... | ALL_SLOW]
#                        [ENVIRONMENT VAR=value ...]): the GoogleTest binary's tests as
# CTests, each labelled LABELS, `threads` if THREADS matches it (the tests that run
# parallel code at more than one thread), and `slow` if named after SLOW (GoogleTest
# names, Suite.Name, measured at a second or more each; ALL_SLOW: every one), else
# `fast`, so `ctest -L fast` runs in seconds. In the TRYGGVE_TSAN build only the THREADS
# tests are registered.
#
# Labels and environment are set by a CTest include file after discovery, not through
# gtest_discover_tests' PROPERTIES: CMake 3.25 writes a list value there as separate
# words, so "unit;postgres" became LABELS unit and a stray property (the postgres and
# threads labels and the environment never reached the tests). CTest includes this file
# after the ones gtest_discover_tests wrote (all TEST_INCLUDE_FILES, in order), whose
# TEST_LIST variables name the tests; CTest adds LABELS to what a test has, so each test
# is labelled once, here.
function(tryggve_discover_tests TARGET)
  cmake_parse_arguments(T "ALL_SLOW" "THREADS" "LABELS;SLOW;ENVIRONMENT" ${ARGN})
  if(TRYGGVE_TEST_PER_PROGRAM AND NOT TRYGGVE_TSAN)
    # One CTest per program, its fast tests in one process (the SLOW ones filtered out).
    if(T_ALL_SLOW)
      return()
    endif()
    set(_filter)
    if(T_SLOW)
      list(JOIN T_SLOW ":" _names)
      set(_filter "--gtest_filter=-${_names}")
    endif()
    add_test(NAME ${TARGET} COMMAND ${TARGET} ${_filter} WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set(_labels ${T_LABELS} fast)
    if(T_THREADS)
      list(APPEND _labels threads)
    endif()
    set_tests_properties(${TARGET} PROPERTIES LABELS "${_labels}" ENVIRONMENT "${T_ENVIRONMENT}")
    return()
  endif()
  set(_lists)
  if(T_THREADS)
    gtest_discover_tests(${TARGET} TEST_FILTER "${T_THREADS}" TEST_LIST ${TARGET}_THREADS_TESTS
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} DISCOVERY_TIMEOUT 60)
    list(APPEND _lists ${TARGET}_THREADS_TESTS)
  endif()
  if(NOT (TRYGGVE_TSAN AND T_THREADS))
    set(_rest)
    if(T_THREADS)
      set(_rest "-${T_THREADS}")
    endif()
    gtest_discover_tests(${TARGET} TEST_FILTER "${_rest}" TEST_LIST ${TARGET}_TESTS
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} DISCOVERY_TIMEOUT 60)
    list(APPEND _lists ${TARGET}_TESTS)
  endif()
  string(REPLACE ";" "]==] [==[" _slow "${T_SLOW}")
  string(REPLACE ";" "]==] [==[" _env "${T_ENVIRONMENT}")
  set(_all_slow 0)
  if(T_ALL_SLOW)
    set(_all_slow 1)
  endif()
  # A value-parameterised test's CTest name carries "  # GetParam() = ..." after its
  # GoogleTest name; SLOW names the GoogleTest name.
  string(CONCAT _body
    "set(_slow [==[${_slow}]==])\n"
    "set(_env [==[${_env}]==])\n"
    "foreach(_t IN LISTS ${_lists})\n"
    "  string(REGEX REPLACE \"  #.*$\" \"\" _name \"\${_t}\")\n"
    "  set(_labels [==[${T_LABELS}]==])\n"
    "  list(FIND ${TARGET}_THREADS_TESTS \"\${_t}\" _i)\n"
    "  if(_i GREATER -1)\n    list(APPEND _labels threads)\n  endif()\n"
    "  list(FIND _slow \"\${_name}\" _i)\n"
    "  if(_i GREATER -1 OR ${_all_slow})\n    list(APPEND _labels slow)\n  else()\n    list(APPEND _labels fast)\n  endif()\n"
    "  set_tests_properties(\"\${_t}\" PROPERTIES LABELS \"\${_labels}\" ENVIRONMENT \"\${_env}\")\n"
    "endforeach()\n")
  set(_labels "${CMAKE_CURRENT_BINARY_DIR}/${TARGET}_labels.cmake")
  file(WRITE ${_labels} "${_body}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${_labels})
endfunction()
