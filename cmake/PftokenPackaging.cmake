# Install the libraries and headers and export a CMake package: find_package(pftoken).
include(CMakePackageConfigHelpers)
set(PFTOKEN_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/pftoken")

# pftoken::charts (tools/charts) is built with the command line (PFTOKEN_BUILD_TOOLS).
set(_pft_installed pftoken_base pftoken_core pftoken_amm pftoken_integration)
set(_pft_include_dirs base/include pftoken/include amm/include integration/include)
if(TARGET pftoken_charts)
  list(APPEND _pft_installed pftoken_charts)
  list(APPEND _pft_include_dirs tools/charts/include)
endif()
install(TARGETS ${_pft_installed} EXPORT pftokenTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir IN LISTS _pft_include_dirs)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT pftokenTargets NAMESPACE pftoken:: DESTINATION ${PFTOKEN_CMAKE_DIR})
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/pftokenConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/pftokenConfig.cmake" INSTALL_DESTINATION ${PFTOKEN_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/pftokenConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/pftokenConfig.cmake" "${PROJECT_BINARY_DIR}/pftokenConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/QuantLibShim.cmake" DESTINATION ${PFTOKEN_CMAKE_DIR})
