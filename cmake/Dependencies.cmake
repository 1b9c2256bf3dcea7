# Third-party libraries, all from Debian packages (see scripts/install-deps.sh). Only what a
# target links is looked for.
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
# JSON (nlohmann-json3-dev, header-only): heaplab v8log --json, run --json, --events-out, the
# Chrome trace, sweep tables.
find_package(nlohmann_json 3 REQUIRED)
# heaplab sweep runs configurations on worker threads.
find_package(Threads REQUIRED)
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
# The desktop visualizer (viz/): Qt 6 Widgets, Charts and Svg (qt6-base-dev, qt6-charts-dev,
# qt6-svg-dev). HEAPLAB_VIZ is on when they are found, so that `make test` builds and tests the
# visualizer wherever it can; without them it is off, with a message, and nothing else changes.
# Sanitizer builds leave it out (Qt is not built with the sanitizers).
find_package(Qt6 6.2 QUIET COMPONENTS Core Gui Widgets Charts Svg Concurrent Test)
if(Qt6_FOUND AND NOT HEAPLAB_SANITIZE AND NOT HEAPLAB_FUZZ)
  set(heaplab_viz_default ON)
else()
  set(heaplab_viz_default OFF)
endif()
option(HEAPLAB_VIZ "Build the Qt desktop visualizer heaplab-viz and its tests" ${heaplab_viz_default})
if(HEAPLAB_VIZ AND NOT Qt6_FOUND)
  message(FATAL_ERROR "HEAPLAB_VIZ needs Qt 6 Widgets, Charts and Svg: run scripts/install-deps.sh")
elseif(NOT HEAPLAB_VIZ)
  message(STATUS "heaplab-viz: not built (Qt 6 Widgets, Charts and Svg not found, or turned off; "
                 "scripts/install-deps.sh installs them)")
endif()
