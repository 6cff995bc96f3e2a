# Debian's libquantlib0-dev (1.29) ships no CMake config, only quantlib.pc.
# This shim turns the pkg-config module into the imported target QuantLib::QuantLib.
if(NOT TARGET QuantLib::QuantLib)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PFT_QUANTLIB REQUIRED IMPORTED_TARGET GLOBAL quantlib>=1.29)
  add_library(QuantLib::QuantLib ALIAS PkgConfig::PFT_QUANTLIB)
endif()
