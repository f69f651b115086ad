# Imported targets for the libraries imagery links that ship no CMake package of their own
# (Debian's libmurmurhash-dev, libdeflate-dev, libblosc-dev, libzstd-dev, liblz4-dev, libjxl-dev):
# imagery_deps::murmurhash, imagery_deps::deflate, imagery_deps::blosc, imagery_deps::zstd,
# imagery_deps::lz4 and imagery_deps::jxl; and cairo, which has only pkg-config files: imagery_deps::cairo.
# Included by the build and, installed beside imageryConfig.cmake, by every project that finds
# the package, so the installed targets name these targets, never a path on the machine that
# built them.
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
# zarr/: the compressors of Zarr chunks (c-blosc 1, zstd, lz4).
_imagery_import(blosc blosc.h blosc libblosc-dev)
_imagery_import(zstd zstd.h zstd libzstd-dev)
_imagery_import(lz4 lz4.h lz4 liblz4-dev)
# precomputed/: the `jxl` chunk encoding (JPEG XL).
_imagery_import(jxl jxl/decode.h jxl libjxl-dev)

# cairo draws scenes (graphics/): its image surfaces, FreeType fonts and PDF surface. pkg-config
# runs where the package is used, so the installed targets name no path of the building machine.
if(NOT TARGET imagery_deps::cairo)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(IMAGERY_CAIRO QUIET IMPORTED_TARGET cairo cairo-ft cairo-pdf)
  endif()
  if(TARGET PkgConfig::IMAGERY_CAIRO)
    add_library(imagery_deps::cairo INTERFACE IMPORTED)
    set_target_properties(imagery_deps::cairo PROPERTIES
      INTERFACE_LINK_LIBRARIES PkgConfig::IMAGERY_CAIRO)
    set(imagery_deps_cairo_FOUND TRUE)
  else()
    set(imagery_deps_cairo_FOUND FALSE)
    message(WARNING "imagery needs cairo, cairo-ft and cairo-pdf: install the Debian package libcairo2-dev")
  endif()
endif()

# serve/: the HTTP server of `imagery serve` (Debian's libcpp-httplib-dev, pkg-config only).
if(NOT TARGET imagery_deps::httplib)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(IMAGERY_HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
  endif()
  if(TARGET PkgConfig::IMAGERY_HTTPLIB)
    add_library(imagery_deps::httplib INTERFACE IMPORTED)
    set_target_properties(imagery_deps::httplib PROPERTIES
      INTERFACE_LINK_LIBRARIES PkgConfig::IMAGERY_HTTPLIB)
    set(imagery_deps_httplib_FOUND TRUE)
  else()
    set(imagery_deps_httplib_FOUND FALSE)
    message(WARNING "imagery needs cpp-httplib: install the Debian package libcpp-httplib-dev")
  endif()
endif()
