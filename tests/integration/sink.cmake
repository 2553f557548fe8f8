# Sink integration tests. They run against librdkafka's in-process mock cluster, so they need no
# external fixture (no ENV). Included from tests/integration/CMakeLists.txt.
foreach(name sink_kafka_broker_down_no_loss_test sink_kafka_retriable_errors_no_loss_test
             sink_kafka_oversized_message_stops_watermark_test sink_kafka_backpressure_bounded_test
             sink_kafka_fatal_error_stops_agent_test sink_kafka_check_reachable_test
             sink_kafka_shutdown_releases_unsent_test)
  cdc_test(NAME ${name} LABELS integration TIMEOUT 120
           SOURCES ${CMAKE_CURRENT_LIST_DIR}/${name}.cpp LIBS cdc_sink)
endforeach()
