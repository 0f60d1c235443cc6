# Sources of the PromQL functions stage (paths relative to libtsdb/).
list(APPEND EMBER_PROMQL_SOURCES
  src/promql/functions/function_table.cpp
  src/promql/functions/histogram_functions.cpp
  src/promql/functions/label_functions.cpp
  src/promql/functions/math_functions.cpp
  src/promql/functions/over_time_functions.cpp
  src/promql/functions/quantile.cpp
  src/promql/functions/rate_functions.cpp
  src/promql/functions/sort_functions.cpp
  src/promql/functions/time_functions.cpp)
# Unit tests of the stage, built into promql_functions_test.
list(APPEND EMBER_PROMQL_FUNCTIONS_TEST_SOURCES
  src/promql/functions/histogram_functions_test.cpp
  src/promql/functions/over_time_functions_test.cpp
  src/promql/functions/rate_functions_test.cpp
  src/promql/functions/vector_functions_test.cpp)
