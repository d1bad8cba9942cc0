# The services of the platform, from services/services.table.

# gongkai_read_services(): sets GONGKAI_SERVICES (the names, in table order)
# and, per service, GONGKAI_SERVICE_<name>_GRPC, _METRICS and _SETTINGS (a
# list of NAME=value) in the caller's scope.
function(gongkai_read_services)
  set(table ${PROJECT_SOURCE_DIR}/services/services.table)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${table})
  file(STRINGS ${table} lines)
  set(names)
  foreach(line ${lines})
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    string(REGEX REPLACE "[ \t]+" ";" fields "${line}")
    list(LENGTH fields n)
    if(n LESS 3)
      message(FATAL_ERROR "services.table: '${line}': expected name, grpc port, metrics port")
    endif()
    list(GET fields 0 name)
    list(GET fields 1 grpc)
    list(GET fields 2 metrics)
    list(SUBLIST fields 3 -1 settings)
    list(APPEND names ${name})
    set(GONGKAI_SERVICE_${name}_GRPC ${grpc} PARENT_SCOPE)
    set(GONGKAI_SERVICE_${name}_METRICS ${metrics} PARENT_SCOPE)
    set(GONGKAI_SERVICE_${name}_SETTINGS "${settings}" PARENT_SCOPE)
  endforeach()
  set(GONGKAI_SERVICES ${names} PARENT_SCOPE)
endfunction()

# gongkai_service(NAME <name> [CLIENT <sources>] [DEPENDS <targets>])
# Declares a service from its folder, by the files' names:
#   main.cc                   the binary gongkai-<name>
#   *_store_test.cc           store tests, <name>_store_test (ctest label store)
#   *_service_test.cc         adapter tests, <name>_service_test (label adapter)
#   other *_test.cc           unit tests, <name>_test (label unit)
#   migrations/NNN_*.sql      the schema <name>, compiled into the library
#   CLIENT sources            a library gongkai_<name>_client other services link
#   every other *.cc          the library gongkai_<name>
# linked with its proto library gongkai_proto_<name> and DEPENDS.
function(gongkai_service)
  cmake_parse_arguments(ARG "" "NAME" "CLIENT;DEPENDS" ${ARGN})
  set(name ${ARG_NAME})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB all CONFIGURE_DEPENDS RELATIVE ${dir} ${dir}/*.cc)
  set(lib_sources)
  set(unit_tests)
  set(store_tests)
  set(adapter_tests)
  foreach(f ${all})
    if(f STREQUAL "main.cc" OR f IN_LIST ARG_CLIENT)
      continue()
    elseif(f MATCHES "_store_test\\.cc$")
      list(APPEND store_tests ${f})
    elseif(f MATCHES "_service_test\\.cc$")
      list(APPEND adapter_tests ${f})
    elseif(f MATCHES "_test\\.cc$")
      list(APPEND unit_tests ${f})
    else()
      list(APPEND lib_sources ${f})
    endif()
  endforeach()

  if(ARG_CLIENT)
    add_library(gongkai_${name}_client STATIC ${ARG_CLIENT})
    target_link_libraries(gongkai_${name}_client PUBLIC gongkai_common gongkai_proto_${name})
  endif()

  add_library(gongkai_${name} STATIC ${lib_sources})
  target_link_libraries(gongkai_${name} PUBLIC gongkai_common gongkai_proto_${name} ${ARG_DEPENDS})
  gongkai_embed_migrations(gongkai_${name} ${name} ${dir}/migrations)

  add_executable(gongkai-${name} main.cc)
  target_link_libraries(gongkai-${name} gongkai_${name})

  foreach(kind unit store adapter)
    if(kind STREQUAL "unit")
      set(sources ${unit_tests})
      set(target ${name}_test)
    else()
      set(sources ${${kind}_tests})
      set(target ${name}_${kind}_test)
      if(kind STREQUAL "adapter")
        set(target ${name}_service_test)
      endif()
    endif()
    if(sources)
      add_executable(${target} ${sources})
      target_link_libraries(${target} gongkai_${name} gongkai_testing GTest::gmock GTest::gtest_main)
      gtest_discover_tests(${target} PROPERTIES LABELS ${kind} DISCOVERY_TIMEOUT 60)
    endif()
  endforeach()
endfunction()

# gongkai_service_table(): the library gongkai_service_table, the table in
# C++ (common/service_table.h); each entry names its proto's descriptor
# table, which links the proto library's descriptors in, so that the gateway, the tests and the tools find every service's
# descriptors in the generated pool. Call after gongkai_read_services().
function(gongkai_service_table)
  set(entries "")
  set(includes "")
  set(protos)
  foreach(name ${GONGKAI_SERVICES})
    set(settings "")
    foreach(s ${GONGKAI_SERVICE_${name}_SETTINGS})
      string(FIND "${s}" "=" eq)
      if(eq LESS 1)
        message(FATAL_ERROR "services.table: ${name}: setting '${s}' is not NAME=value")
      endif()
      string(SUBSTRING "${s}" 0 ${eq} key)
      math(EXPR from "${eq} + 1")
      string(SUBSTRING "${s}" ${from} -1 value)
      string(APPEND settings "{\"${key}\", \"${value}\"}, ")
    endforeach()
    string(APPEND entries "      {\"${name}\", ${GONGKAI_SERVICE_${name}_GRPC}, ${GONGKAI_SERVICE_${name}_METRICS}, {${settings}},\n")
    string(APPEND entries "       &descriptor_table_gongkai_2f${name}_2fv1_2f${name}_2eproto},\n")
    string(APPEND includes "#include \"gongkai/${name}/v1/${name}.pb.h\"\n")
    list(APPEND protos gongkai_proto_${name})
  endforeach()
  set(out ${PROJECT_BINARY_DIR}/gen/gongkai/service_table.cc)
  file(CONFIGURE OUTPUT ${out} CONTENT "// Built from services/services.table; do not edit.
#include \"common/service_table.h\"

${includes}
namespace gongkai::common {

const std::vector<ServiceEntry>& ServiceTable() {
  static const std::vector<ServiceEntry> kTable = {
${entries}  };
  return kTable;
}

}  // namespace gongkai::common
")
  add_library(gongkai_service_table STATIC ${out} ${PROJECT_SOURCE_DIR}/common/service_table.cc)
  target_include_directories(gongkai_service_table PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(gongkai_service_table PUBLIC gongkai_proto_common protobuf::libprotobuf ${protos})
endfunction()
