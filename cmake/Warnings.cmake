# heaplab_warnings: an interface target carrying the project's warning flags. Every heaplab
# target links it PRIVATE so that the flags apply to our code, not to our users'.
add_library(heaplab_warnings INTERFACE)
add_library(heaplab::warnings ALIAS heaplab_warnings)
target_compile_options(heaplab_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(HEAPLAB_WERROR)
  target_compile_options(heaplab_warnings INTERFACE -Werror)
endif()
if(HEAPLAB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(HEAPLAB_SANITIZE=1)
endif()
