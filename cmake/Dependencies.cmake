# Third-party libraries, all from Debian packages (see scripts/install-deps.sh). Only what a
# target links is looked for.
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
# The Buffer pool's backing memory (libmimalloc-dev); sanitizer builds use malloc instead.
if(NOT HEAPLAB_SANITIZE)
  find_package(mimalloc REQUIRED)
endif()
if(HEAPLAB_TESTS)
  find_package(GTest REQUIRED)
endif()
if(HEAPLAB_BENCH)
  find_package(benchmark REQUIRED)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(BDWGC IMPORTED_TARGET bdw-gc)
endif()
