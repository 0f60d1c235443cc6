# Finds the Debian 12 packages Ember builds on (scripts/install-deps.sh installs them).

find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system context)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(Protobuf REQUIRED)
find_package(Snappy REQUIRED)
find_package(RocksDB REQUIRED)
find_package(zstd REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(LIBCRYPT REQUIRED IMPORTED_TARGET libcrypt)

# Asio and Beast are compiled once, in ember_asio, rather than in every file
# that includes them; every user of either links ember_asio.
add_library(ember_asio STATIC ${PROJECT_SOURCE_DIR}/cmake/asio_impl.cpp)
target_compile_definitions(ember_asio PUBLIC
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(ember_asio PUBLIC Boost::headers Boost::system OpenSSL::SSL OpenSSL::Crypto
  Threads::Threads)

# jemalloc for the programs: the series store makes many small allocations
# that grow one sample at a time, and jemalloc both serves them faster and
# keeps resident memory closer to what is in use than glibc's allocator.
# Sanitizer builds keep the sanitizers' allocator.
add_library(ember_malloc INTERFACE)
if(NOT EMBER_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(ember_malloc INTERFACE PkgConfig::JEMALLOC)
  target_compile_definitions(ember_malloc INTERFACE EMBER_HAVE_JEMALLOC=1)
endif()
