# pftoken_check_headers(<name> <library target> <include dir>): every public header under
# <include dir> compiled on its own. One generated translation unit per header includes only that
# header (twice: the second include proves the guard), all in an object library linked to
# <library target> for its include paths and dependencies. A header that is not self-contained
# breaks the test build, naming the header. The list is globbed at configure time (test code only).
function(pftoken_check_headers name target include_dir)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${include_dir} ${include_dir}/*.hpp)
  set(sources "")
  foreach(header IN LISTS headers)
    string(MAKE_C_IDENTIFIER "${header}" id)
    set(tu "${CMAKE_CURRENT_BINARY_DIR}/header_check/${name}/${id}.cpp")
    file(CONFIGURE OUTPUT "${tu}" CONTENT "#include \"${header}\"\n#include \"${header}\"\n" @ONLY)
    list(APPEND sources "${tu}")
  endforeach()
  if(NOT sources)
    return()
  endif()
  add_library(${name} OBJECT ${sources})
  pftoken_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${target})
endfunction()
