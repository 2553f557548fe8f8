# The torture harness (docs/torture.md): a workload with a ledger, a chaos loop that kills the agent,
# the databases and Kafka brokers, and a checker that reads every topic back. It starts its own servers
# (tests/env/up in a private directory) so it can restart them without disturbing other tests; it still
# loads the machine and is timing-sensitive, hence RUN_SERIAL.
find_package(Python3 REQUIRED COMPONENTS Interpreter)

add_executable(cdc-torture-writer torture/writer_main.cpp torture/workload.cpp)
target_link_libraries(cdc-torture-writer PRIVATE cdc_test_support CLI11::CLI11)

set(CDC_TORTURE_MINUTES 2 CACHE STRING "workload and chaos duration of the torture ctest, in minutes")
add_test(NAME torture_no_loss_under_chaos
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/torture/torture.py
          --build-dir ${CMAKE_BINARY_DIR} --minutes ${CDC_TORTURE_MINUTES} --fault-interval 1.5,6
          --work ${CMAKE_BINARY_DIR}/torture)
set_tests_properties(torture_no_loss_under_chaos PROPERTIES LABELS fault RUN_SERIAL TRUE TIMEOUT 480
  FAIL_REGULAR_EXPRESSION "torture: FAIL")

# The checker itself: lost, phantom, reordered and unexplained duplicate changes are caught.
add_test(NAME torture_checker_catches_loss_test
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/torture/check_test.py)
set_tests_properties(torture_checker_catches_loss_test PROPERTIES LABELS unit TIMEOUT 60)
