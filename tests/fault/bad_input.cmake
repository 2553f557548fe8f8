# Bad input, no servers needed (docs/fuzzing.md): damaged binlog files through `cdc-agent decode`,
# malformed pgoutput messages in a recorded stream, and configuration texts the fuzzer found.
cdc_test(NAME bad_input_damaged_binlog_test LABELS fault
         SOURCES bad_input_damaged_binlog_test.cpp LIBS cdc_mysql simdjson::simdjson)
add_dependencies(bad_input_damaged_binlog_test cdc-agent)  # the test runs the binary
cdc_test(NAME bad_input_malformed_pgoutput_test LABELS fault
         SOURCES bad_input_malformed_pgoutput_test.cpp LIBS cdc_postgres)
cdc_test(NAME bad_input_config_test LABELS fault SOURCES bad_input_config_test.cpp LIBS cdc_config)
