# Install the libraries and headers and export a CMake package: find_package(pftoken).
include(CMakePackageConfigHelpers)
set(PFTOKEN_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/pftoken")

install(TARGETS pftoken_base pftoken_core pftoken_amm pftoken_integration EXPORT pftokenTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(layer base pftoken amm integration)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${layer}/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT pftokenTargets NAMESPACE pftoken:: DESTINATION ${PFTOKEN_CMAKE_DIR})
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/pftokenConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/pftokenConfig.cmake" INSTALL_DESTINATION ${PFTOKEN_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/pftokenConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/pftokenConfig.cmake" "${PROJECT_BINARY_DIR}/pftokenConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/QuantLibShim.cmake" DESTINATION ${PFTOKEN_CMAKE_DIR})
