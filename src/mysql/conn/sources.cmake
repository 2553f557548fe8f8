# The MySQL/MariaDB live I/O layer (connection, offset file, preflight checks). Listed here so the
# parent can build them into cdc_mysql with include(conn/sources.cmake); conn/CMakeLists.txt builds the
# same list as cdc_mysql_conn on its own.
set(CDC_MYSQL_CONN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/binlog_connection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mysql_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/offset_store.cpp
)
# libmariadb (raw replication packets) and OpenSSL (SSL_pending: bytes already decrypted but unread).
find_package(OpenSSL REQUIRED)
set(CDC_MYSQL_CONN_LIBS PkgConfig::MARIADB OpenSSL::SSL cdc_util)
