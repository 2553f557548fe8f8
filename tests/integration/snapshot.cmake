# Tests of the initial snapshot readers (src/mysql/snapshot, src/postgres/snapshot), against the
# test_env servers. Included from tests/integration/CMakeLists.txt.
set(_d ${CMAKE_CURRENT_LIST_DIR})
foreach(_t snapshot_mysql_rows_match_binlog_test snapshot_mysql_markers_test
           snapshot_mysql_large_table_bounded_memory_test)
  cdc_test(NAME ${_t} LABELS integration ENV TIMEOUT 300
           SOURCES ${_d}/${_t}.cpp LIBS cdc_mysql_snapshot simdjson::simdjson)
endforeach()
unset(_t)
unset(_d)
cdc_test(NAME snapshot_pg_rows_match_pgoutput_test LABELS integration ENV TIMEOUT 300
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/snapshot_pg_rows_match_pgoutput_test.cpp
         LIBS cdc_pg_snapshot simdjson::simdjson)
cdc_test(NAME snapshot_mysql_json_text_compact_test LABELS unit
         SOURCES ${CMAKE_CURRENT_LIST_DIR}/snapshot_mysql_json_text_compact_test.cpp LIBS cdc_mysql_snapshot)
