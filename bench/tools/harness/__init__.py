"""bench/run's implementation: test environment, workloads, contenders, measurement and the report."""
