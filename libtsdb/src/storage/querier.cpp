// Reading: selecting series through the label index and the partition
// postings, then merging a series' persisted chunks, head chunks and
// out-of-order samples into one sorted, deduplicated run.
#include <rocksdb/db.h>

#include <algorithm>

#include "db_impl.h"
#include "encoding.h"

namespace ember::tsdb {

Postings DbImpl::SelectIds(std::span<const Matcher> matchers, int64_t mint, int64_t maxt) const {
  Postings ids = index_.Select(matchers);
  if (ids.empty() || mint > maxt) return {};
  const int64_t first = PartitionOf(mint, options_.partition_duration_ms);
  const int64_t last = PartitionOf(maxt, options_.partition_duration_ms);
  std::vector<const Postings*> lists;
  std::shared_lock lock(partitions_mu_);
  for (auto it = partitions_.lower_bound(first); it != partitions_.end() && it->first <= last; ++it) {
    lists.push_back(&it->second);
  }
  return Intersect(ids, Union(lists));
}

Result<Labels> DbImpl::LabelsOf(uint64_t id) const {
  auto& stripe = stripes_.ForId(id);
  std::lock_guard lock(stripe.mu);
  const HeadSeries* s = stripe.by_id.Find(id);
  if (s == nullptr) return Status::NotFound("series " + std::to_string(id));
  return s->GetLabels(symbols_);
}

namespace {

void AppendInRange(std::span<const Sample> in, int64_t mint, int64_t maxt, std::vector<Sample>* out) {
  auto lo = std::lower_bound(in.begin(), in.end(), mint, [](const Sample& s, int64_t t) { return s.t < t; });
  for (auto it = lo; it != in.end() && it->t <= maxt; ++it) out->push_back(*it);
}

// Sorts by time keeping the first of equal timestamps: the order of `v`
// decides which copy wins. Runs read twice (a chunk persisted and still in
// the head) are the usual overlap, but after a crash the replayed head may
// interleave with persisted chunks, so a plain concatenation is not enough.
void SortUnique(std::vector<Sample>* v) {
  bool sorted = true;
  for (size_t i = 1; i < v->size() && sorted; ++i) sorted = (*v)[i - 1].t < (*v)[i].t;
  if (sorted) return;
  std::stable_sort(v->begin(), v->end(), [](const Sample& a, const Sample& b) { return a.t < b.t; });
  v->erase(std::unique(v->begin(), v->end(), [](const Sample& a, const Sample& b) { return a.t == b.t; }),
           v->end());
}

}  // namespace

Status DbImpl::ReadSeries(uint64_t id, int64_t mint, int64_t maxt, std::vector<Sample>* out) const {
  out->clear();
  // Head first: a chunk leaves the head only after RocksDB holds it, so
  // reading RocksDB afterwards misses nothing (and what is read twice is
  // dropped by the merge).
  std::vector<std::pair<int64_t, HeadChunk>> head_chunks;
  std::vector<Sample> head_ooo;
  {
    auto& stripe = stripes_.ForId(id);
    std::lock_guard lock(stripe.mu);
    const HeadSeries* found = stripe.by_id.Find(id);
    if (found == nullptr) return Status::Ok();
    const HeadSeries& s = *found;
    for (const ClosedChunk& c : s.closed) {
      if (c.min_t <= maxt) head_chunks.emplace_back(c.min_t, c.chunk);
    }
    if (s.chunk && s.chunk_min_t <= maxt && s.max_t >= mint) {
      head_chunks.emplace_back(s.chunk_min_t, *s.chunk);
    }
    if (s.ooo) AppendInRange(*s.ooo, mint, maxt, &head_ooo);
  }

  std::vector<std::pair<int64_t, std::vector<Sample>>> runs;  // in-order runs by first time
  std::vector<Sample> ooo = std::move(head_ooo);
  std::vector<Sample> decoded;
  {
    const int64_t first = PartitionOf(mint, options_.partition_duration_ms);
    const int64_t last = PartitionOf(maxt, options_.partition_duration_ms);
    std::vector<int64_t> parts;
    {
      std::shared_lock lock(partitions_mu_);
      for (auto it = partitions_.lower_bound(first); it != partitions_.end() && it->first <= last; ++it) {
        if (std::binary_search(it->second.begin(), it->second.end(), id)) parts.push_back(it->first);
      }
    }
    if (!parts.empty()) {
      rocksdb::ReadOptions ro;
      std::unique_ptr<rocksdb::Iterator> it(rdb_->NewIterator(ro, cf_chunks_));
      for (int64_t p : parts) {
        const std::string prefix = SeriesChunksPrefix(p, id);
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
          ChunkKeyParts key;
          ChunkValueHeader h;
          std::string_view value(it->value().data(), it->value().size());
          if (!ParseChunkKey(std::string_view(it->key().data(), it->key().size()), &key)) {
            return Status::Corruption("tsdb: bad chunk key of series " + std::to_string(id));
          }
          EMBER_RETURN_IF_ERROR(ParseChunkValue(value, key.min_t, &h));
          if (key.min_t > maxt || h.max_t < mint) continue;
          decoded.clear();
          EMBER_RETURN_IF_ERROR(DecodeChunkValue(value, key.min_t, &decoded));
          if (key.kind == ChunkKind::kOutOfOrder) {
            AppendInRange(decoded, mint, maxt, &ooo);
          } else {
            std::vector<Sample> run;
            AppendInRange(decoded, mint, maxt, &run);
            if (!run.empty()) runs.emplace_back(key.min_t, std::move(run));
          }
        }
        if (!it->status().ok()) return Status::IOError("tsdb: reading chunks: " + it->status().ToString());
      }
    }
  }
  for (auto& [min_t, chunk] : head_chunks) {
    std::vector<Sample> run;
    decoded.clear();
    EMBER_RETURN_IF_ERROR(chunk.Decode(&decoded));
    AppendInRange(decoded, mint, maxt, &run);
    if (!run.empty()) runs.emplace_back(min_t, std::move(run));
  }
  std::stable_sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [min_t, run] : runs) out->insert(out->end(), run.begin(), run.end());
  SortUnique(out);

  if (!ooo.empty()) {
    // In-order samples win over out-of-order ones at the same timestamp.
    std::stable_sort(ooo.begin(), ooo.end(), [](const Sample& a, const Sample& b) { return a.t < b.t; });
    std::vector<Sample> merged;
    merged.reserve(out->size() + ooo.size());
    size_t i = 0, j = 0;
    while (i < out->size() || j < ooo.size()) {
      if (j == ooo.size() || (i < out->size() && (*out)[i].t <= ooo[j].t)) {
        if (j < ooo.size() && ooo[j].t == (*out)[i].t) ++j;
        merged.push_back((*out)[i++]);
      } else {
        if (merged.empty() || merged.back().t != ooo[j].t) merged.push_back(ooo[j]);
        ++j;
      }
    }
    *out = std::move(merged);
  }

  std::shared_lock lock(tombstones_mu_);
  auto tomb = tombstones_.find(id);
  if (tomb != tombstones_.end()) {
    std::erase_if(*out, [&](const Sample& s) {
      for (const Interval& iv : tomb->second) {
        if (s.t >= iv.mint && s.t <= iv.maxt) return true;
      }
      return false;
    });
  }
  return Status::Ok();
}

// --- SeriesSet / Querier ----------------------------------------------------------

struct SeriesSet::State {
  const DbImpl* db = nullptr;
  int64_t mint = 0;
  int64_t maxt = 0;
  std::vector<std::pair<Labels, uint64_t>> series;
  size_t next = 0;
  Labels labels;
  std::vector<Sample> samples;
  Status status;
};

SeriesSet::SeriesSet(std::unique_ptr<State> state) : state_(std::move(state)) {}
SeriesSet::SeriesSet(SeriesSet&&) noexcept = default;
SeriesSet& SeriesSet::operator=(SeriesSet&&) noexcept = default;
SeriesSet::~SeriesSet() = default;

bool SeriesSet::Next() {
  State& st = *state_;
  while (st.status.ok() && st.next < st.series.size()) {
    auto& [labels, id] = st.series[st.next++];
    st.status = st.db->ReadSeries(id, st.mint, st.maxt, &st.samples);
    if (!st.status.ok()) return false;
    if (st.samples.empty()) continue;
    st.labels = std::move(labels);
    return true;
  }
  return false;
}

const Labels& SeriesSet::labels() const { return state_->labels; }
std::span<const Sample> SeriesSet::samples() const { return state_->samples; }
const Status& SeriesSet::status() const { return state_->status; }
size_t SeriesSet::num_candidates() const { return state_->series.size(); }

Result<SeriesSet> Querier::Select(std::span<const Matcher> matchers) const {
  const DbImpl& db = *db_->impl_;
  auto state = std::make_unique<SeriesSet::State>();
  state->db = &db;
  state->mint = mint_;
  state->maxt = maxt_;
  for (uint64_t id : db.SelectIds(matchers, mint_, maxt_)) {
    auto labels = db.LabelsOf(id);
    if (labels.ok()) state->series.emplace_back(std::move(labels).value(), id);
  }
  std::sort(state->series.begin(), state->series.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return SeriesSet(std::move(state));
}

Result<std::vector<std::string>> Querier::LabelNames(std::span<const Matcher> matchers) const {
  const DbImpl& db = *db_->impl_;
  Postings ids = db.SelectIds(matchers, mint_, maxt_);
  return db.index_.LabelNames(&ids);
}

Result<std::vector<std::string>> Querier::LabelValues(std::string_view name,
                                                      std::span<const Matcher> matchers) const {
  const DbImpl& db = *db_->impl_;
  Postings ids = db.SelectIds(matchers, mint_, maxt_);
  return db.index_.LabelValues(name, &ids);
}

}  // namespace ember::tsdb
