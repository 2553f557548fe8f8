# Faults under the real `cdc-agent run` against the test_env fixture's servers (they reuse the
# integration fixtures of tests/integration): a row Kafka cannot take, a full or read-only state.dir, a
# binlog event damaged on the wire, two agents on one PostgreSQL slot. Labelled integration too, so the sanitizer run covers them.
set(_d ${CMAKE_CURRENT_LIST_DIR})
foreach(name agent_oversized_row_mysql_test agent_state_dir_full_test agent_corrupted_stream_mysql_test)
  cdc_test(NAME ${name} LABELS fault integration ENV TIMEOUT 400 SOURCES ${_d}/${name}.cpp
           LIBS cdc_msrc_test_support)
endforeach()
foreach(name agent_oversized_row_pg_test agent_pg_slot_taken_test)
  cdc_test(NAME ${name} LABELS fault integration ENV TIMEOUT 400 SOURCES ${_d}/${name}.cpp
           LIBS cdc_postgres simdjson::simdjson)
  add_dependencies(${name} cdc-agent)  # the tests run the binary
endforeach()
unset(_d)
