# Shared twins of the layer libraries for C++ interpreters (clang-repl, cling / xeus-cling), which
# load .so files, not static archives (docs/notebooks.md). Each one is linked from its static
# library's own object files (every pftoken target is built position independent), so the option
# costs a few links, not a second compile. They land in ${PROJECT_BINARY_DIR}/notebook-libs:
#   libpftoken_base.so  libpftoken_core.so  libpftoken_amm.so  libpftoken_integration.so  libpftoken_charts.so
# and carry DT_NEEDED entries (QuantLib, yaml-cpp, fmt, each other), so loading the one a notebook
# needs pulls in the rest. Not installed: the installed package stays static.
set(PFTOKEN_NOTEBOOK_LIB_DIR "${PROJECT_BINARY_DIR}/notebook-libs")
# CMake wants at least one source per library: an empty translation unit (all code comes from the
# static archive).
set(_pft_notebook_stub "${PROJECT_BINARY_DIR}/notebook-libs-stub.cpp")
if(NOT EXISTS "${_pft_notebook_stub}")
  file(WRITE "${_pft_notebook_stub}" "// Empty: the notebook libraries are linked from the static libraries' objects.\n")
endif()

# pftoken_add_notebook_lib(NAME STATIC_TARGET [SHARED_DEPENDENCIES...])
function(pftoken_add_notebook_lib name static_target)
  add_library(${name} SHARED "${_pft_notebook_stub}")
  # The shared dependencies come first on the link line, so the static copies of the lower layers
  # that ${static_target} drags in contribute nothing: every symbol lives in exactly one .so
  # (tests/notebooks checks it with nm).
  target_link_libraries(${name} PRIVATE ${ARGN} "$<LINK_LIBRARY:WHOLE_ARCHIVE,${static_target}>")
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME ${static_target}
    LIBRARY_OUTPUT_DIRECTORY "${PFTOKEN_NOTEBOOK_LIB_DIR}"
    BUILD_RPATH "${PFTOKEN_NOTEBOOK_LIB_DIR}")
  # --no-as-needed: with Debian's default --as-needed, a shared library that satisfies no
  # reference at the point it appears is dropped and the static copy would be linked instead.
  target_link_options(${name} PRIVATE LINKER:--no-undefined LINKER:--no-as-needed)
endfunction()

pftoken_add_notebook_lib(pftoken_base_notebook pftoken_base)
pftoken_add_notebook_lib(pftoken_core_notebook pftoken_core pftoken_base_notebook)
pftoken_add_notebook_lib(pftoken_amm_notebook pftoken_amm pftoken_base_notebook)
pftoken_add_notebook_lib(pftoken_integration_notebook pftoken_integration
  pftoken_base_notebook pftoken_core_notebook pftoken_amm_notebook)
set(PFTOKEN_NOTEBOOK_LIB_TARGETS pftoken_base_notebook pftoken_core_notebook pftoken_amm_notebook pftoken_integration_notebook)
if(TARGET pftoken_charts)
  pftoken_add_notebook_lib(pftoken_charts_notebook pftoken_charts
    pftoken_base_notebook pftoken_core_notebook pftoken_amm_notebook pftoken_integration_notebook)
  list(APPEND PFTOKEN_NOTEBOOK_LIB_TARGETS pftoken_charts_notebook)
endif()
# `cmake --build <dir> --target pftoken_notebook_libs` builds only what the notebooks load.
add_custom_target(pftoken_notebook_libs DEPENDS ${PFTOKEN_NOTEBOOK_LIB_TARGETS})
