# heaplab_library(NAME SOURCES...): one room of the house as a static library, heaplab_NAME,
# used as heaplab::NAME and exported as NAME; its public headers are include/heaplab/NAME/
# (installed under the include directory), its private headers stay in src/. Links, which
# state the arrows between rooms, stay in each room's CMakeLists.txt.
function(heaplab_library name)
  add_library(heaplab_${name} ${ARGN})
  add_library(heaplab::${name} ALIAS heaplab_${name})
  set_target_properties(heaplab_${name} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(heaplab_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE src)
endfunction()
