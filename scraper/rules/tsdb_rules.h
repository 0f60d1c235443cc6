// Binds rule evaluation (ember/rules) to ember-scraper's store and PromQL
// engine: the query function, the appender for results, the reader of
// ALERTS_FOR_STATE used to restore `for` state, and the expression parser
// that checks rule files. Shared by the server and `ember-scraper test rules`.
#pragma once

#include "ember/promql/engine.h"
#include "ember/promql/parser.h"
#include "ember/promql/queryable.h"
#include "ember/rules/engine.h"
#include "ember/tsdb/db.h"

namespace ember::scraper {

// Instant queries through `engine` over `storage`; both outlive the function.
// A scalar becomes one unlabelled sample; other non-vector results fail with
// rules::kErrNotVectorOrScalar; engine errors keep their messages.
rules::QueryFunc PromqlRuleQuery(promql::Engine& engine, const promql::Queryable& storage);

// Parses with the PromQL parser and returns the expression as Prometheus
// prints it (the rule's `query` in the API).
rules::ParseExprFunc PromqlRuleParser(promql::ParseOptions options = {});

// Reads series from `db` (which outlives the function) by equality matchers.
rules::SeriesQueryFunc TsdbSeriesQuery(const tsdb::Db& db);

// Rule results into `db`, one store commit per rule evaluation. Samples the
// store refuses for their time (out of order, too old, out of bounds) are
// reported as kOutOfRange and duplicates with another value as
// kAlreadyExists, as rules::Appender asks.
class TsdbRuleAppendable final : public rules::Appendable {
 public:
  explicit TsdbRuleAppendable(tsdb::Db& db) : db_(db) {}
  std::unique_ptr<rules::Appender> NewAppender() override;

 private:
  tsdb::Db& db_;
};

}  // namespace ember::scraper
