#include "rules/tsdb_rules.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ember/promql/ast.h"
#include "ember/tsdb/matcher.h"

namespace ember::scraper {
namespace {

class TsdbRuleAppender final : public rules::Appender {
 public:
  explicit TsdbRuleAppender(tsdb::Db& db) : app_(db.NewAppender()) {}

  Status Append(const Labels& labels, TimestampMs timestamp_ms, double value) override {
    auto added = app_.Add(labels, timestamp_ms, value);
    if (added.ok()) return Status::Ok();
    Status error = added.status();
    const std::string& message = error.message();
    if (message == tsdb::kErrOutOfOrderSample || message == tsdb::kErrTooOldSample ||
        message == tsdb::kErrOutOfBounds) {
      return Status::OutOfRange(message);
    }
    if (message == tsdb::kErrDuplicateSampleForTimestamp) return Status::AlreadyExists(message);
    return error;
  }
  Status Commit() override { return app_.Commit(); }
  void Rollback() override { app_.Rollback(); }

 private:
  tsdb::Appender app_;
};

}  // namespace

rules::QueryFunc PromqlRuleQuery(promql::Engine& engine, const promql::Queryable& storage) {
  return
      [&engine, &storage](std::string_view query, TimestampMs time_ms) -> Result<std::vector<rules::Sample>> {
        EMBER_ASSIGN_OR_RETURN(promql::QueryResult result, engine.InstantQuery(storage, query, time_ms));
        std::vector<rules::Sample> out;
        if (auto* vector = std::get_if<promql::Vector>(&result.value)) {
          out.reserve(vector->size());
          for (promql::VectorSample& s : *vector) {
            out.push_back({std::move(s.labels), s.v, s.t});
          }
          return out;
        }
        if (const auto* scalar = std::get_if<promql::Scalar>(&result.value)) {
          out.push_back({Labels(), scalar->v, scalar->t});
          return out;
        }
        return Status::InvalidArgument(std::string(rules::kErrNotVectorOrScalar));
      };
}

rules::ParseExprFunc PromqlRuleParser(promql::ParseOptions options) {
  return [options](std::string_view expr) -> Result<std::string> {
    EMBER_ASSIGN_OR_RETURN(promql::ExprPtr parsed, promql::ParseExpr(expr, options));
    return promql::ToString(*parsed);
  };
}

rules::SeriesQueryFunc TsdbSeriesQuery(const tsdb::Db& db) {
  return [&db](const std::vector<Label>& equal_matchers, TimestampMs mint_ms,
               TimestampMs maxt_ms) -> Result<std::vector<rules::StoredSeries>> {
    std::vector<tsdb::Matcher> matchers;
    matchers.reserve(equal_matchers.size());
    for (const Label& l : equal_matchers) {
      EMBER_ASSIGN_OR_RETURN(tsdb::Matcher m,
                             tsdb::Matcher::Create(tsdb::MatchType::kEqual, l.name, l.value));
      matchers.push_back(std::move(m));
    }
    EMBER_ASSIGN_OR_RETURN(tsdb::SeriesSet set, db.NewQuerier(mint_ms, maxt_ms).Select(matchers));
    std::vector<rules::StoredSeries> out;
    while (set.Next()) {
      rules::StoredSeries& s = out.emplace_back();
      s.labels = set.labels();
      for (const tsdb::Sample& sample : set.samples()) s.samples.emplace_back(sample.t, sample.v);
    }
    if (!set.status().ok()) return set.status();
    return out;
  };
}

std::unique_ptr<rules::Appender> TsdbRuleAppendable::NewAppender() {
  return std::make_unique<TsdbRuleAppender>(db_);
}

}  // namespace ember::scraper
