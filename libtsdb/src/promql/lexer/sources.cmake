# Sources of the PromQL lexer stage (paths relative to libtsdb/).
list(APPEND EMBER_PROMQL_SOURCES src/promql/lexer/lexer.cpp)
# Unit tests of the stage, built into promql_lexer_test.
list(APPEND EMBER_PROMQL_LEXER_TEST_SOURCES src/promql/lexer/lexer_test.cpp)
