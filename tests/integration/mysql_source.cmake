# End-to-end tests of the live MySQL/MariaDB source: the real `cdc-agent run` binary against the
# test_env MariaDB and Kafka. Included from tests/integration/CMakeLists.txt.
set(_d ${CMAKE_CURRENT_LIST_DIR})
add_library(cdc_msrc_test_support STATIC ${_d}/mysql_source_support.cpp)
target_link_libraries(cdc_msrc_test_support PUBLIC cdc_test_support simdjson::simdjson PkgConfig::MARIADB)
target_compile_definitions(cdc_msrc_test_support PRIVATE CDC_TEST_BINARY_DIR="${CMAKE_BINARY_DIR}")
# The tests run the agent binary, so building them builds it.
add_dependencies(cdc_msrc_test_support cdc-agent)

# cdc_msrc_test(NAME [LOCK]): LOCK = changes server-global state (binlog settings, purge, restart), so
# it holds the resource lock that every such test shares.
function(cdc_msrc_test name)
  cmake_parse_arguments(M "LOCK" "TIMEOUT" "" ${ARGN})
  if(NOT M_TIMEOUT)
    set(M_TIMEOUT 180)
  endif()
  cdc_test(NAME ${name} LABELS integration ENV TIMEOUT ${M_TIMEOUT}
           SOURCES ${_d}/${name}.cpp LIBS cdc_msrc_test_support)
  if(M_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK mariadb_global)
  endif()
endfunction()

cdc_msrc_test(mysql_source_column_types_exact_test)
