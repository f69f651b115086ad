# Imported targets for the two libraries imagery links that ship no CMake package of their own
# (Debian's libmurmurhash-dev and libdeflate-dev): imagery_deps::murmurhash and
# imagery_deps::deflate. Included by the build and, installed beside imageryConfig.cmake, by
# every project that finds the package, so the installed targets name these targets, never a
# path on the machine that built them.
include_guard(GLOBAL)

function(_imagery_import name header library package)
  if(TARGET imagery_deps::${name})
    return()
  endif()
  find_path(IMAGERY_${name}_INCLUDE_DIR ${header})
  find_library(IMAGERY_${name}_LIBRARY ${library})
  if(NOT IMAGERY_${name}_INCLUDE_DIR OR NOT IMAGERY_${name}_LIBRARY)
    set(imagery_deps_${name}_FOUND FALSE PARENT_SCOPE)
    message(WARNING "imagery needs lib${library} (${header}): install the Debian package ${package}")
    return()
  endif()
  add_library(imagery_deps::${name} UNKNOWN IMPORTED)
  set_target_properties(imagery_deps::${name} PROPERTIES
    IMPORTED_LOCATION "${IMAGERY_${name}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${IMAGERY_${name}_INCLUDE_DIR}")
  set(imagery_deps_${name}_FOUND TRUE PARENT_SCOPE)
endfunction()

# MurmurHash3_x86_128 for sharded scales; libdeflate inflates single-member gzip chunks.
_imagery_import(murmurhash murmurhash.h murmurhash libmurmurhash-dev)
_imagery_import(deflate libdeflate.h deflate libdeflate-dev)
