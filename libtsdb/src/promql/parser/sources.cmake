# Sources of the PromQL parser stage (paths relative to libtsdb/).
list(APPEND EMBER_PROMQL_SOURCES src/promql/parser/ast.cpp src/promql/parser/duration.cpp
     src/promql/parser/parser.cpp src/promql/parser/printer.cpp src/promql/parser/series_notation.cpp)
# Unit tests of the stage, built into promql_parser_test.
list(APPEND EMBER_PROMQL_PARSER_TEST_SOURCES src/promql/parser/parser_test.cpp
     src/promql/parser/printer_test.cpp src/promql/parser/series_notation_test.cpp)
