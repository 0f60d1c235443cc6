# Sources of the PromQL engine stage (paths relative to libtsdb/).
list(APPEND EMBER_PROMQL_SOURCES
  src/promql/engine/aggregate_evaluator.cpp
  src/promql/engine/binary_evaluator.cpp
  src/promql/engine/engine.cpp
  src/promql/engine/evaluator.cpp
  src/promql/engine/step_matrix.cpp
  src/promql/engine/tsdb_queryable.cpp
  src/promql/engine/value.cpp)
# Unit tests of the stage, built into promql_engine_test.
list(APPEND EMBER_PROMQL_ENGINE_TEST_SOURCES src/promql/engine/engine_test.cpp)
