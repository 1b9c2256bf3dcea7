# The install test (ctest install.find_package_consumer): installs this build into a fresh
# prefix inside the build directory, then configures, builds and runs tests/install/consumer,
# an outside project that finds heaplab with find_package. Run by ctest with:
#   BUILD_DIR       the heaplab build to install
#   WORK_DIR        a scratch directory, emptied first (the prefix and the consumer's build)
#   CONSUMER_DIR    tests/install/consumer
#   SOURCE_DIR      heaplab's source tree (the installed package must not point into it)
#   LIBDIR          CMAKE_INSTALL_LIBDIR of that build
#   GENERATOR, CXX_COMPILER, CONFIG, VERSION
cmake_minimum_required(VERSION 3.25)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR SOURCE_DIR LIBDIR GENERATOR CXX_COMPILER VERSION)
  if(NOT ${var})
    message(FATAL_ERROR "consumer_test.cmake needs -D${var}=...")
  endif()
endforeach()
set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args})

# The package as installed: headers under heaplab/, the config and version files, the command.
set(package_dir ${prefix}/${LIBDIR}/cmake/heaplab)
foreach(f include/heaplab/heap/heap.h include/heaplab/gc/controller.h
          include/heaplab/buffer/pool.h include/heaplab/traces/session.h bin/heaplab
          ${LIBDIR}/cmake/heaplab/heaplabConfig.cmake
          ${LIBDIR}/cmake/heaplab/heaplabConfigVersion.cmake
          ${LIBDIR}/cmake/heaplab/heaplabTargets.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "the install lacks ${f}")
  endif()
endforeach()
# The exported targets carry no build-only detail: no warning flags of ours, no path into
# the source tree.
file(READ ${package_dir}/heaplabTargets.cmake targets)
foreach(leak heaplab_warnings heaplab::warnings -Wconversion ${SOURCE_DIR})
  string(FIND "${targets}" "${leak}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "heaplabTargets.cmake mentions '${leak}'")
  endif()
endforeach()

# The installed command reports the version of project(VERSION) and writes a trace.
run("heaplab --version" ${prefix}/bin/heaplab --version)
if(NOT out STREQUAL "heaplab ${VERSION}\n")
  message(FATAL_ERROR "heaplab --version printed '${out}', expected 'heaplab ${VERSION}'")
endif()
run("heaplab gen" ${prefix}/bin/heaplab gen churn --requests 30000 -o ${WORK_DIR}/churn.hlt)

# The outside project, found only through the prefix (no package registry, no heaplab_DIR).
set(configure ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${CONFIG}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run("configuring the consumer" ${configure} -DHEAPLAB_REQUESTED_VERSION=${VERSION})
file(STRINGS ${WORK_DIR}/build/CMakeCache.txt found REGEX "^heaplab_DIR:")
if(NOT found STREQUAL "heaplab_DIR:PATH=${package_dir}")
  message(FATAL_ERROR "the consumer found heaplab elsewhere: ${found}")
endif()
run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build ${config_args})
find_program(consumer consumer PATHS ${WORK_DIR}/build ${WORK_DIR}/build/${CONFIG}
             NO_DEFAULT_PATH REQUIRED)

# The consumer replays the trace: Scavenges happen.
run("the consumer on churn.hlt" ${consumer} ${WORK_DIR}/churn.hlt)
message(STATUS "consumer: ${out}")
if(NOT out MATCHES "^scavenges [1-9][0-9]*, ")
  message(FATAL_ERROR "the consumer reported no Scavenge: ${out}")
endif()

# Controls. A trace too small to fill the new space gives no Scavenge, and the consumer says so.
file(WRITE ${WORK_DIR}/tiny.hlt "heaplab-trace 1\na 1 16 0\n")
execute_process(COMMAND ${consumer} ${WORK_DIR}/tiny.hlt RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 1 OR NOT out STREQUAL "scavenges 0, mark-compacts 0\n")
  message(FATAL_ERROR "the consumer on a one-object trace: exit ${rc}, '${out}'")
endif()
# A version the package does not claim to be compatible with is refused.
string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _ ${VERSION})
math(EXPR next_minor "${CMAKE_MATCH_2} + 1")
execute_process(COMMAND ${configure} -DHEAPLAB_REQUESTED_VERSION=${CMAKE_MATCH_1}.${next_minor}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "heaplab")
  message(FATAL_ERROR "find_package(heaplab ${CMAKE_MATCH_1}.${next_minor}) was accepted")
endif()
