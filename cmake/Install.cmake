# Installing heaplab as a library: `cmake --install build/release --prefix PREFIX` puts the
# public headers in PREFIX/include/heaplab/{heap,gc,buffer,traces}/, the static libraries and
# the heaplab command in PREFIX/lib and PREFIX/bin, and a CMake package in
# PREFIX/lib/cmake/heaplab that an outside project finds with find_package(heaplab) and links as
# heaplab::heap, heaplab::gc, heaplab::buffer and heaplab::traces. tests/install/ checks this
# with a real outside project.
include(CMakePackageConfigHelpers)

set(HEAPLAB_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/heaplab)

install(TARGETS heaplab_heap heaplab_gc heaplab_buffer heaplab_traces
  EXPORT heaplabTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS heaplab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(room heap gc buffer traces)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${room}/include/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()

install(EXPORT heaplabTargets
  NAMESPACE heaplab::
  DESTINATION ${HEAPLAB_INSTALL_CMAKEDIR})

# fmt (gc, buffer, traces) and mimalloc (buffer) are PRIVATE, but a static library hands its
# private dependencies to whoever links it, so the package must find them before its targets
# are read. A shared build carries them inside the libraries and needs neither.
get_target_property(HEAPLAB_LIBRARY_TYPE heaplab_gc TYPE)
if(HEAPLAB_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(HEAPLAB_FIND_PRIVATE_DEPENDENCIES ON)
else()
  set(HEAPLAB_FIND_PRIVATE_DEPENDENCIES OFF)
endif()
if(TARGET mimalloc AND NOT HEAPLAB_SANITIZE)
  set(HEAPLAB_USES_MIMALLOC ON)
else()
  set(HEAPLAB_USES_MIMALLOC OFF)
endif()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/heaplabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/heaplabConfig.cmake
  INSTALL_DESTINATION ${HEAPLAB_INSTALL_CMAKEDIR})
# Before 1.0 a minor version may change the interface, so only the same minor version matches.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/heaplabConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/heaplabConfig.cmake
  ${PROJECT_BINARY_DIR}/heaplabConfigVersion.cmake
  DESTINATION ${HEAPLAB_INSTALL_CMAKEDIR})
