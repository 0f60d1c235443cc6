#include <memory>
#include <utility>

#include "ember/promql/queryable.h"
#include "ember/tsdb/db.h"

namespace ember::promql {

namespace {

class TsdbCursor final : public SeriesCursor {
 public:
  explicit TsdbCursor(tsdb::SeriesSet set) : set_(std::move(set)) {}
  bool Next() override { return set_.Next(); }
  const Labels& labels() const override { return set_.labels(); }
  std::span<const tsdb::Sample> samples() const override { return set_.samples(); }
  Status status() const override { return set_.status(); }

 private:
  tsdb::SeriesSet set_;
};

class TsdbQueryable final : public Queryable {
 public:
  explicit TsdbQueryable(const tsdb::Db& db) : db_(db) {}

  Result<std::unique_ptr<SeriesCursor>> Select(const SelectHints& hints,
                                               std::span<const tsdb::Matcher> matchers) const override {
    tsdb::Querier querier = db_.NewQuerier(hints.start_ms, hints.end_ms);
    EMBER_ASSIGN_OR_RETURN(tsdb::SeriesSet set, querier.Select(matchers));
    return std::unique_ptr<SeriesCursor>(std::make_unique<TsdbCursor>(std::move(set)));
  }

 private:
  const tsdb::Db& db_;
};

}  // namespace

std::unique_ptr<Queryable> NewTsdbQueryable(const tsdb::Db& db) {
  return std::make_unique<TsdbQueryable>(db);
}

}  // namespace ember::promql
