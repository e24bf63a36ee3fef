# The plug-in shape of an accelerator (docs/adding-an-accelerator.md). Each accelerator <a> owns
# models/<a>/, rtl/<a>/, tlm/<a>/ and tests/{models,rtl,tlm}/<a>/, each with a CMakeLists.txt
# fragment; the views' CMakeLists.txt pull the fragments in with acv_add_accelerator_folders().
# An accelerator is discovered by its models/<a>/CMakeLists.txt: nothing shared lists it.
#
# A fragment is included into its view's folder (not a subdirectory of its own), so it adds to
# the view's libraries (acv_models, acv_rtl_models, acv_rtl, acv_tlm) in the folder that owns
# them; it names its files with ${CMAKE_CURRENT_LIST_DIR}.

# Shared SystemVerilog (one module per file, found by name) and the generated variant headers.
set(ACV_RTL_COMMON_DIR ${PROJECT_SOURCE_DIR}/rtl/common)
set(ACV_RTL_GENERATED_DIR ${PROJECT_BINARY_DIR}/rtl/generated)

# ACV_ACCELERATORS: every models/<a>/ folder with a CMakeLists.txt, sorted by name.
file(GLOB _acv_accelerator_fragments CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/models/*/CMakeLists.txt)
set(ACV_ACCELERATORS "")
foreach(_fragment IN LISTS _acv_accelerator_fragments)
  get_filename_component(_dir ${_fragment} DIRECTORY)
  get_filename_component(_name ${_dir} NAME)
  list(APPEND ACV_ACCELERATORS ${_name})
endforeach()
list(SORT ACV_ACCELERATORS)

# Includes the fragment of every accelerator that has one under the current folder (a view:
# models/, rtl/, tlm/, tests/models/, ...). Variables a fragment sets stay in it.
function(acv_add_accelerator_folders)
  foreach(accelerator IN LISTS ACV_ACCELERATORS)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${accelerator}/CMakeLists.txt)
      include(${CMAKE_CURRENT_SOURCE_DIR}/${accelerator}/CMakeLists.txt)
    endif()
  endforeach()
endfunction()

# acv_add_rtl_accelerator(<name>
#   TOP <module>                  top module, in <module>.sv of the fragment's folder
#   PACKAGES <file.sv>...         the accelerator's packages (read first)
#   VARIANTS_OPTION <VAR>         cache option listing the variants to Verilate (e.g. ACV_SYSTOLIC_SIZES)
#   DEFAULT_VARIANTS <list>       its default
#   DOC <text>                    its help text
#   VARIANT_FUNCTION <function>   <function>(<variant>) sets ACV_VARIANT_PARAMS (Verilator -G...) and
#                                 ACV_VARIANT_ROW (the variant's X-macro arguments) in its caller
#   VARIANT_COLUMNS <text>        names of the X-macro arguments, for the generated header
#   DRIVER <file.cpp>...          the Verilator driver (registers itself with ACV_REGISTER_RTL_DRIVER)
#   [VERILATOR_ARGS <arg>...])    extra Verilator arguments
#
# Verilates <TOP> once per variant into acv_rtl_models as V<name>_<variant>, with --assert (every
# run checks the SystemVerilog assertions) and the folder and rtl/common/ as module search paths
# (one module per file), adds DRIVER to acv_rtl, and generates <name>_variants.h for the driver:
#   #define ACV_<NAME>_VARIANTS(X) X(<row of variant 1>, V<name>_<variant 1>) ...
function(acv_add_rtl_accelerator name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TOP;VARIANTS_OPTION;DOC;VARIANT_FUNCTION;VARIANT_COLUMNS"
                        "PACKAGES;DEFAULT_VARIANTS;DRIVER;VERILATOR_ARGS")
  set(${arg_VARIANTS_OPTION} "${arg_DEFAULT_VARIANTS}" CACHE STRING "${arg_DOC}")
  set(sources "")
  foreach(pkg IN LISTS arg_PACKAGES)
    list(APPEND sources ${CMAKE_CURRENT_LIST_DIR}/${pkg})
  endforeach()
  list(APPEND sources ${CMAKE_CURRENT_LIST_DIR}/${arg_TOP}.sv)

  string(TOUPPER ${name} upper)
  set(variants "${${arg_VARIANTS_OPTION}}")
  set(includes "")
  set(rows "")
  get_target_property(models_binary_dir acv_rtl_models BINARY_DIR)
  foreach(variant IN LISTS ${arg_VARIANTS_OPTION})
    cmake_language(CALL ${arg_VARIANT_FUNCTION} ${variant})
    # verilate() reads its last run's source list back from the build folder; a source deleted since
    # (a module folded into another) would stop the configure, so such a stale run is dropped.
    set(vdir ${models_binary_dir}/CMakeFiles/acv_rtl_models.dir/V${name}_${variant}.dir)
    if(EXISTS ${vdir}/V${name}_${variant}.cmake)
      file(STRINGS ${vdir}/V${name}_${variant}.cmake deps REGEX "^set\\(V${name}_${variant}_DEPS ")
      string(REGEX MATCHALL "\"[^\"]+[.]s?v\"" listed "${deps}")
      foreach(quoted IN LISTS listed)
        string(REPLACE "\"" "" file "${quoted}")
        if(NOT EXISTS ${file})
          message(STATUS "V${name}_${variant}: ${file} is gone; Verilating afresh")
          file(REMOVE_RECURSE ${vdir})
          break()
        endif()
      endforeach()
    endif()
    # -O2 for the eval code: as fast as -O3 here and quicker to build (build-notes.md section 7).
    # SYNCASYNCNET: the assertions' `disable iff (!rst_ni)` samples the asynchronous reset at the clock.
    verilate(acv_rtl_models
      PREFIX V${name}_${variant}
      TOP_MODULE ${arg_TOP}
      SOURCES ${sources}
      TRACE_FST
      OPT_FAST -O2
      OPT_SLOW -O1
      VERILATOR_ARGS -Wall -Wno-SYNCASYNCNET --assert --x-assign fast --x-initial fast
        -y ${CMAKE_CURRENT_LIST_DIR} -y ${ACV_RTL_COMMON_DIR}
        ${arg_VERILATOR_ARGS} ${ACV_VARIANT_PARAMS})
    string(APPEND includes "#include \"V${name}_${variant}.h\"\n")
    string(APPEND rows " X(${ACV_VARIANT_ROW}, V${name}_${variant})")
  endforeach()

  file(CONFIGURE OUTPUT ${ACV_RTL_GENERATED_DIR}/${name}_variants.h CONTENT [=[
// Generated from rtl/@name@/CMakeLists.txt (@arg_VARIANTS_OPTION@ = "@variants@") by
// acv_add_rtl_accelerator (cmake/AcvAccelerator.cmake) - do not edit.
#pragma once
@includes@
// X(@arg_VARIANT_COLUMNS@, Model)
#define ACV_@upper@_VARIANTS(X)@rows@
]=] @ONLY)
  list(TRANSFORM arg_DRIVER PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  target_sources(acv_rtl PRIVATE ${arg_DRIVER})
endfunction()
