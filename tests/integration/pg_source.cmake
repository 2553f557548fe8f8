# The live PostgreSQL source (src/postgres/source) end to end: the real cdc-agent binary against the
# test_env fixture's PostgreSQL and Kafka. Included from tests/integration/CMakeLists.txt.
set(PG_SOURCE_TEST_LIBS cdc_postgres simdjson::simdjson)
cdc_test(NAME pg_source_rows_test LABELS integration ENV TIMEOUT 240
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_source_types_match_select_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_source_row_images_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_source_idle_slot_advances_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_source_check_command_test.cpp
         LIBS ${PG_SOURCE_TEST_LIBS})
cdc_test(NAME pg_source_kill9_test LABELS integration ENV TIMEOUT 240
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_source_agent_kill9_no_loss_test.cpp LIBS ${PG_SOURCE_TEST_LIBS})
cdc_test(NAME pg_source_large_transaction_test LABELS integration ENV TIMEOUT 300
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_source_large_transaction_bounded_rss_test.cpp LIBS ${PG_SOURCE_TEST_LIBS})
cdc_test(NAME pg_source_streaming_test LABELS integration ENV TIMEOUT 900
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_source_streamed_transactions_test.cpp LIBS ${PG_SOURCE_TEST_LIBS})
cdc_test(NAME pg_source_initial_snapshot_test LABELS integration ENV TIMEOUT 180
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_source_initial_snapshot_test.cpp LIBS ${PG_SOURCE_TEST_LIBS})
# Restarts the shared PostgreSQL: nothing else may run meanwhile.
cdc_test(NAME pg_source_pg_restart_test LABELS integration ENV TIMEOUT 240
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_source_pg_crash_restart_no_loss_test.cpp LIBS ${PG_SOURCE_TEST_LIBS})
set_tests_properties(pg_source_pg_restart_test PROPERTIES RUN_SERIAL TRUE)
foreach(t pg_source_rows_test pg_source_streaming_test pg_source_initial_snapshot_test pg_source_kill9_test pg_source_large_transaction_test pg_source_pg_restart_test)
  add_dependencies(${t} cdc-agent)
endforeach()
