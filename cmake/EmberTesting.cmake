# Catch2 2.13 unit tests registered with CTest one case at a time, so `ctest -j`
# runs them in parallel.

if(EMBER_BUILD_TESTS)
  enable_testing()
  find_package(Catch2 2.13 REQUIRED)
  include(Catch)
  add_library(ember_catch_main STATIC ${PROJECT_SOURCE_DIR}/cmake/catch_main.cpp)
  target_link_libraries(ember_catch_main PUBLIC Catch2::Catch2)
endif()

# ember_test(NAME SOURCES ... DEPS ... [LABELS ...]): a Catch2 test binary whose
# cases become CTest tests. Unit tests carry the label "unit".
function(ember_test name)
  if(NOT EMBER_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ember_catch_main ember_warnings ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  catch_discover_tests(${name}
    TEST_PREFIX "${name}:"
    PROPERTIES LABELS "${ARG_LABELS}"
    EXTRA_ARGS --use-colour no
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()

# ember_fuzz(NAME SOURCES ... DEPS ...): a libFuzzer target, built only with
# -DEMBER_FUZZ=ON and clang (scripts/fuzz.sh sets both up and runs them).
function(ember_fuzz name)
  if(NOT EMBER_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ember_warnings ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
endfunction()
