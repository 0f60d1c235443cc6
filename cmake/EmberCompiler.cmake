# Warnings, sanitizers and launcher settings shared by every target.

find_program(EMBER_CCACHE ccache)
if(EMBER_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${EMBER_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${EMBER_CCACHE})
endif()

add_library(ember_warnings INTERFACE)
target_compile_options(ember_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wimplicit-fallthrough -Wno-missing-field-initializers
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)

if(EMBER_FUZZ)
  # Every library is instrumented for coverage so the fuzzer sees inside it.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(EMBER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# ember_library(NAME SOURCES ... DEPS ...): a libcommon-style static library whose
# public headers live in libcommon/include (or the given INCLUDE dir).
function(ember_library name)
  cmake_parse_arguments(ARG "" "INCLUDE" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(NOT ARG_INCLUDE)
    set(ARG_INCLUDE ${PROJECT_SOURCE_DIR}/libcommon/include)
  endif()
  target_include_directories(${name} PUBLIC ${ARG_INCLUDE})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ember_warnings ${ARG_PRIVATE_DEPS})
endfunction()

# ember_program(NAME SOURCES ... DEPS ...): one of the programs in build/bin.
function(ember_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ember_warnings ${ARG_DEPS} ember_malloc)
endfunction()
