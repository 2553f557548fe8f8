# Tests of the MySQL/MariaDB live I/O layer (src/mysql/conn). Included from tests/integration/CMakeLists.txt.
set(_d ${CMAKE_CURRENT_LIST_DIR})
# Pure: packet encoding, error classification, grant parsing.
cdc_test(NAME mysql_conn_commands_test LABELS unit
         SOURCES ${_d}/mysql_conn_commands_test.cpp LIBS cdc_mysql_conn cdc_mysql)
# Local files only: atomic replacement, read-only directory, file-size limit, corrupt file.
cdc_test(NAME mysql_conn_offset_store_test LABELS integration TIMEOUT 120
         SOURCES ${_d}/mysql_conn_offset_store_test.cpp LIBS cdc_mysql_conn)
# Against the test_env MariaDB.
cdc_test(NAME mysql_conn_binlog_stream_test LABELS integration ENV TIMEOUT 180
         SOURCES ${_d}/mysql_conn_binlog_stream_test.cpp LIBS cdc_mysql_conn)
cdc_test(NAME mysql_conn_errors_test LABELS integration ENV TIMEOUT 180
         SOURCES ${_d}/mysql_conn_errors_test.cpp LIBS cdc_mysql_conn)
cdc_test(NAME mysql_conn_check_test LABELS integration ENV TIMEOUT 120
         SOURCES ${_d}/mysql_conn_check_test.cpp LIBS cdc_mysql_conn)
unset(_d)
