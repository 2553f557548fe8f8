# PostgreSQL live I/O (src/postgres/conn): server-free checks, and integration tests against the
# test_env fixture's PostgreSQL. Included from tests/integration/CMakeLists.txt.
cdc_test(NAME pg_conn_table_patterns_test LABELS unit
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_conn_table_patterns_test.cpp LIBS cdc_postgres_conn)
cdc_test(NAME pg_conn_integration_test LABELS integration ENV TIMEOUT 300
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/pg_conn_stream_raw_pgoutput_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_confirmed_flush_exact_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_slot_busy_retry_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_slot_unusable_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_auth_failure_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_check_all_pass_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_heartbeat_advances_idle_slot_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_catalog_keys_types_test.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/pg_conn_publication_create_test.cpp
         LIBS cdc_postgres_conn)
