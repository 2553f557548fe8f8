# End-to-end tests of the live MySQL/MariaDB source: the real `cdc-agent run` binary against the
# test_env MariaDB and Kafka. Included from tests/integration/CMakeLists.txt.
set(_d ${CMAKE_CURRENT_LIST_DIR})
add_library(cdc_msrc_test_support STATIC ${_d}/mysql_source_support.cpp)
target_link_libraries(cdc_msrc_test_support PUBLIC cdc_test_support simdjson::simdjson PkgConfig::MARIADB)
target_compile_definitions(cdc_msrc_test_support PRIVATE CDC_TEST_BINARY_DIR="${CMAKE_BINARY_DIR}")
# The tests run the agent binary, so building them builds it.
add_dependencies(cdc_msrc_test_support cdc-agent)

# cdc_msrc_test(NAME [LOCK] [SERIAL]): LOCK = changes server-global state that other agents tolerate
# (max_binlog_size), so it holds the lock every such test shares; SERIAL = also breaks concurrent tests
# (restart, purge, binlog_row_metadata), so it runs alone.
function(cdc_msrc_test name)
  cmake_parse_arguments(M "LOCK;SERIAL" "TIMEOUT" "" ${ARGN})
  if(NOT M_TIMEOUT)
    set(M_TIMEOUT 180)
  endif()
  cdc_test(NAME ${name} LABELS integration ENV TIMEOUT ${M_TIMEOUT}
           SOURCES ${_d}/${name}.cpp LIBS cdc_msrc_test_support)
  if(M_LOCK OR M_SERIAL)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK mariadb_global)
  endif()
  if(M_SERIAL)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

cdc_msrc_test(mysql_source_column_types_exact_test)
cdc_msrc_test(mysql_source_geometry_wkb_test)
cdc_msrc_test(mysql_source_transactions_in_commit_order_test)
cdc_msrc_test(mysql_source_ddl_mid_stream_test)
cdc_msrc_test(mysql_source_binlog_rotation_test LOCK)
cdc_msrc_test(mysql_source_kill9_mid_transaction_test)
cdc_msrc_test(mysql_source_sigterm_drain_test)
# These restart the server, purge its binlogs or change what every TABLE_MAP carries: nothing else may run.
cdc_msrc_test(mysql_source_server_restart_test SERIAL)
cdc_msrc_test(mysql_source_purged_binlog_test SERIAL)
cdc_msrc_test(mysql_source_minimal_row_metadata_test SERIAL)
cdc_msrc_test(mysql_source_initial_snapshot_test)
cdc_msrc_test(mysql_source_gtid_failover_test)
cdc_msrc_test(mysql_source_duplicate_server_id_test)
cdc_msrc_test(mysql_source_metrics_test)
unset(_d)
