#include "query_api.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "ember/obs/logger.h"
#include "test_support.h"

namespace ember::scraper {
namespace {

// A store with a few series sampled every 15s from t=1000s to t=1060s, an
// engine over it, and the API with its clock at t=1060s.
class Fixture {
 public:
  explicit Fixture(QueryApi::Options options = {}) : clock_(1'060'000) {
    tsdb::DbOptions db_options;
    db_options.dir = dir_.path();
    db_options.maintenance_interval_ms = 0;
    auto db = tsdb::Db::Open(db_options, Logger(std::make_shared<CapturingLogSink>(), LogLevel::kError));
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    tsdb::Appender app = db_->NewAppender();
    for (int64_t t = 1000; t <= 1060; t += 15) {
      REQUIRE(app.Add({{"__name__", "up"}, {"job", "node"}, {"instance", "a:9090"}}, t * 1000, 1).ok());
      REQUIRE(app.Add({{"__name__", "up"}, {"job", "node"}, {"instance", "b:9090"}}, t * 1000, 0).ok());
      REQUIRE(app.Add({{"__name__", "http_requests_total"}, {"code", "200"}, {"handler", "/api"}}, t * 1000,
                      static_cast<double>(t - 990))
                  .ok());
    }
    REQUIRE(app.Add({{"__name__", "status_codes"}, {"http.status", "200"}}, 1'060'000, 1).ok());
    REQUIRE(app.Add({{"__name__", "status_codes"}, {"http.status", "500"}}, 1'060'000, 2).ok());
    REQUIRE(app.Commit().ok());
    queryable_ = promql::NewTsdbQueryable(*db_);
    metadata_.Replace("job/a", {{"up", {"gauge", "Whether the target is up.", ""}},
                                {"http_requests_total", {"counter", "Requests <served>.", "requests"}}});
    metadata_.Replace("job/b", {{"up", {"gauge", "Up, said differently.", ""}}});
    api_ = std::make_unique<QueryApi>(*db_, engine_, *queryable_, metadata_, clock_, options);
  }

  QueryApi& api() { return *api_; }

 private:
  testing::TempDir dir_;
  std::unique_ptr<tsdb::Db> db_;
  promql::Engine engine_{promql::EngineOptions{}};
  std::unique_ptr<promql::Queryable> queryable_;
  MetadataStore metadata_;
  ManualClock clock_;
  std::unique_ptr<QueryApi> api_;
};

http::Request Get(std::string raw_query) {
  http::Request r;
  r.method = "GET";
  r.raw_query = std::move(raw_query);
  return r;
}

http::Request Post(std::string raw_query, std::string body) {
  http::Request r;
  r.method = "POST";
  r.raw_query = std::move(raw_query);
  r.body = std::move(body);
  r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  return r;
}

http::Request LabelValuesRequest(std::string name, std::string raw_query = "") {
  http::Request r = Get(std::move(raw_query));
  r.path_params.Add("name", std::move(name));
  return r;
}

// The status and body of an answer, for one comparison.
std::string Answer(const http::Response& r) { return std::to_string(r.status) + " " + r.body; }

constexpr std::string_view kUpVector =
    R"j({"status":"success","data":{"resultType":"vector","result":[)j"
    R"j({"metric":{"__name__":"up","instance":"a:9090","job":"node"},"value":[1060,"1"]},)j"
    R"j({"metric":{"__name__":"up","instance":"b:9090","job":"node"},"value":[1060,"0"]}]}})j";

TEST_CASE("Grafana's health check gets the scalar 2 at t=4") {
  Fixture f;
  const std::string expected =
      R"j(200 {"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})j";
  http::Request get = Get("query=1%2B1&time=4");
  CHECK(Answer(f.api().Query(get)) == expected);
  http::Request post = Post("", "query=1%2B1&time=4");
  CHECK(Answer(f.api().Query(post)) == expected);
  http::Response r = f.api().Query(get);
  CHECK(r.headers.Get("Content-Type") == "application/json");
}

TEST_CASE("an instant query answers a vector, at now by default") {
  Fixture f;
  http::Request at = Get("query=up&time=1060");
  CHECK(Answer(f.api().Query(at)) == "200 " + std::string(kUpVector));
  http::Request now = Get("query=up");
  CHECK(Answer(f.api().Query(now)) == "200 " + std::string(kUpVector));
  http::Request rfc = Get("query=up&time=1970-01-01T00:17:40Z");
  CHECK(Answer(f.api().Query(rfc)) == "200 " + std::string(kUpVector));
  // Unknown parameters are ignored.
  http::Request extra = Get("query=up&time=1060&dedup=false&partial_response=true");
  CHECK(Answer(f.api().Query(extra)) == "200 " + std::string(kUpVector));
}

TEST_CASE("POST form values are merged with the URL query, the body first") {
  Fixture f;
  http::Request r = Post("query=up&time=1", "time=1060");
  CHECK(Answer(f.api().Query(r)) == "200 " + std::string(kUpVector));
  http::Request range = Post("query=up%7Binstance%3D%22a%3A9090%22%7D", "start=1000&end=1060&step=30");
  CHECK(Answer(f.api().QueryRange(range)) ==
        R"j(200 {"status":"success","data":{"resultType":"matrix","result":[)j"
        R"j({"metric":{"__name__":"up","instance":"a:9090","job":"node"},)j"
        R"j("values":[[1000,"1"],[1030,"1"],[1060,"1"]]}]}})j");
}

TEST_CASE("limit truncates vectors and matrices with a warning") {
  Fixture f;
  http::Request r = Get("query=up&time=1060&limit=1");
  CHECK(Answer(f.api().Query(r)) ==
        R"j(200 {"status":"success","data":{"resultType":"vector","result":[)j"
        R"j({"metric":{"__name__":"up","instance":"a:9090","job":"node"},"value":[1060,"1"]}]},)j"
        R"j("warnings":["results truncated due to limit"]})j");
  http::Request exact = Get("query=up&time=1060&limit=2");
  CHECK(Answer(f.api().Query(exact)) == "200 " + std::string(kUpVector));
  http::Request range = Get("query=up&start=1000&end=1000&step=15&limit=1");
  CHECK(Answer(f.api().QueryRange(range)) ==
        R"j(200 {"status":"success","data":{"resultType":"matrix","result":[)j"
        R"j({"metric":{"__name__":"up","instance":"a:9090","job":"node"},"values":[[1000,"1"]]}]},)j"
        R"j("warnings":["results truncated due to limit"]})j");
  http::Request scalar = Get("query=1&time=4&limit=1");
  CHECK(Answer(f.api().Query(scalar)) ==
        R"j(200 {"status":"success","data":{"resultType":"scalar","result":[4,"1"]}})j");
  http::Request bad = Get("query=up&limit=x");
  CHECK(
      Answer(f.api().Query(bad)) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax"})j");
  http::Request negative = Get("query=up&limit=-1");
  CHECK(
      Answer(f.api().Query(negative)) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"limit\": limit must be non-negative"})j");
}

TEST_CASE("a range query takes step as float seconds or as a duration") {
  Fixture f;
  const std::string expected =
      R"j(200 {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"1"],[30,"1"],[60,"1"]]}]}})j";
  http::Request seconds = Get("query=1&start=0&end=60&step=30");
  CHECK(Answer(f.api().QueryRange(seconds)) == expected);
  http::Request duration = Get("query=1&start=0&end=60&step=30s");
  CHECK(Answer(f.api().QueryRange(duration)) == expected);
  http::Request fraction = Get("query=1&start=0&end=1&step=0.5");
  CHECK(
      Answer(f.api().QueryRange(fraction)) ==
      R"j(200 {"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"1"],[0.5,"1"],[1,"1"]]}]}})j");
}

TEST_CASE("range query parameters are checked as upstream checks them") {
  Fixture f;
  auto error = [&](std::string query) {
    http::Request r = Get(std::move(query));
    return Answer(f.api().QueryRange(r));
  };
  CHECK(
      error("query=up&end=10&step=1") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"start\": cannot parse \"\" to a valid timestamp"})j");
  CHECK(
      error("query=up&start=10&end=x&step=1") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": cannot parse \"x\" to a valid timestamp"})j");
  CHECK(
      error("query=up&start=10&end=5&step=1") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": end timestamp must not be before start time"})j");
  CHECK(
      error("query=up&start=0&end=10") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"step\": cannot parse \"\" to a valid duration"})j");
  CHECK(
      error("query=up&start=0&end=10&step=0") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer"})j");
  CHECK(
      error("query=up&start=0&end=10&step=-5s") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"step\": cannot parse \"-5s\" to a valid duration"})j");
  CHECK(
      error("query=up&start=0&end=11001&step=1") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"})j");
  CHECK(
      error("query=up[5m]&start=0&end=10&step=1") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"})j");
  CHECK(
      error("query=up&start=0&end=10&step=1&timeout=x") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"timeout\": cannot parse \"x\" to a valid duration"})j");
  // 11,000 points are still accepted.
  http::Request most = Get("query=1&start=0&end=11000&step=1");
  CHECK(f.api().QueryRange(most).status == 200);
}

TEST_CASE("instant query parameter errors") {
  Fixture f;
  auto error = [&](std::string query) {
    http::Request r = Get(std::move(query));
    return Answer(f.api().Query(r));
  };
  CHECK(
      error("query=up&time=abc") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"time\": Invalid time value for 'time': cannot parse \"abc\" to a valid timestamp"})j");
  CHECK(
      error("query=up&lookback_delta=abc") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"error parsing lookback delta duration: cannot parse \"abc\" to a valid duration"})j");
  CHECK(
      error("query=sum(up") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:7: parse error: unclosed left parenthesis"})j");
  CHECK(
      error("") ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error: no expression found in input"})j");
  CHECK(error("query=up&timeout=0") ==
        R"j(503 {"status":"error","errorType":"timeout","error":"query timed out in query execution"})j");
}

TEST_CASE("evaluation errors are 422 execution errors") {
  Fixture f;
  http::Request r = Get("query=up%2Bon(job)%20up&time=1060");
  http::Response answer = f.api().Query(r);
  CHECK(answer.status == 422);
  CHECK(
      answer.body.rfind(
          R"j({"status":"error","errorType":"execution","error":"found duplicate series for the match group {job=\"node\"} on the)j",
          0) == 0);
}

TEST_CASE("a stop request cancels the query") {
  Fixture f;
  std::stop_source stop;
  stop.request_stop();
  http::Request r = Get("query=up&time=1060");
  r.stop_token = stop.get_token();
  http::Response answer = f.api().Query(r);
  CHECK(answer.status == 499);
  CHECK(answer.body.find(R"j("errorType":"canceled")j") != std::string::npos);
}

TEST_CASE("lookback_delta narrows the instant selector's window") {
  Fixture f;
  http::Request near = Get("query=up&time=1100&lookback_delta=1m");
  CHECK(Answer(f.api().Query(near)) ==
        R"j(200 {"status":"success","data":{"resultType":"vector","result":[)j"
        R"j({"metric":{"__name__":"up","instance":"a:9090","job":"node"},"value":[1100,"1"]},)j"
        R"j({"metric":{"__name__":"up","instance":"b:9090","job":"node"},"value":[1100,"0"]}]}})j");
  http::Request far = Get("query=up&time=1200&lookback_delta=1m");
  CHECK(Answer(f.api().Query(far)) ==
        R"j(200 {"status":"success","data":{"resultType":"vector","result":[]}})j");
  http::Request seconds = Get("query=up&time=1200&lookback_delta=60");
  CHECK(Answer(f.api().Query(seconds)) ==
        R"j(200 {"status":"success","data":{"resultType":"vector","result":[]}})j");
}

TEST_CASE("infos are rendered with their position") {
  Fixture f;
  http::Request r = Get("query=rate(up%5B5m%5D)&time=1060");
  CHECK(
      Answer(f.api().Query(r)) ==
      R"j(200 {"status":"success","data":{"resultType":"vector","result":[)j"
      R"j({"metric":{"instance":"a:9090","job":"node"},"value":[1060,"0"]},)j"
      R"j({"metric":{"instance":"b:9090","job":"node"},"value":[1060,"0"]}]},)j"
      R"j("infos":["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"up\" (1:6)"]})j");
}

TEST_CASE("stats are placed in data") {
  QueryApi::Options options;
  options.per_step_stats = true;
  Fixture f(options);
  http::Request plain = Get("query=up&time=1060&stats=true");
  std::string body = f.api().Query(plain).body;
  const std::string head =
      std::string(kUpVector.substr(0, kUpVector.size() - 2)) + R"j(,"stats":{"timings":{)j";
  CHECK(body.rfind(head, 0) == 0);
  CHECK(body.ends_with(R"j("samples":{"totalQueryableSamples":2,"peakSamples":2}}}})j"));

  http::Request all = Get("query=up&start=1000&end=1030&step=30&stats=all");
  body = f.api().QueryRange(all).body;
  CHECK(body.find(R"j(,"stats":{"timings":{"evalTotalTime":)j") != std::string::npos);
  CHECK(body.ends_with(
      R"j("samples":{"totalQueryableSamplesPerStep":[[1000,2],[1030,2]],"totalQueryableSamples":4,"peakSamples":4}}}})j"));

  http::Request other = Get("query=up&time=1060&stats=1");
  body = f.api().Query(other).body;
  CHECK(body.find(R"j("samples":{"totalQueryableSamples":2,)j") != std::string::npos);
  CHECK(body.ends_with(
      R"j(},"warnings":["value \"1\" for parameter \"stats\" is deprecated and will be rejected in the next major release, use \"true\" or \"all\""]})j"));
}

TEST_CASE("stats=all gives plain stats unless per-step stats are enabled") {
  Fixture f;
  http::Request all = Get("query=up&start=1000&end=1030&step=30&stats=all");
  CHECK(f.api().QueryRange(all).body.ends_with(
      R"j("samples":{"totalQueryableSamples":4,"peakSamples":4}}}})j"));
}

TEST_CASE("format_query prettifies") {
  Fixture f;
  http::Request r = Get("query=sum(rate(foo%5B5m%5D))by(job)");
  CHECK(Answer(f.api().FormatQuery(r)) ==
        R"j(200 {"status":"success","data":"sum by (job) (rate(foo[5m]))"})j");
  http::Request bad = Post("", "query=foo%7B");
  CHECK(f.api().FormatQuery(bad).body.rfind(
            R"j({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:)j", 0) ==
        0);
}

TEST_CASE("series lists label sets in label order") {
  Fixture f;
  auto answer = [&](http::Request r) { return Answer(f.api().Series(r)); };
  const std::string both =
      R"j(200 {"status":"success","data":[{"__name__":"up","instance":"a:9090","job":"node"},)j"
      R"j({"__name__":"up","instance":"b:9090","job":"node"}]})j";
  CHECK(answer(Get("match[]=up")) == both);
  CHECK(answer(Post("", "match%5B%5D=up&start=1000&end=1060")) == both);
  // Several sets are merged without duplicates.
  CHECK(
      answer(Get("match[]=up&match[]=%7Bjob%3D%22node%22%7D&match[]=status_codes")) ==
      R"j(200 {"status":"success","data":[{"__name__":"status_codes","http.status":"200"},)j"
      R"j({"__name__":"status_codes","http.status":"500"},)j"
      R"j({"__name__":"up","instance":"a:9090","job":"node"},{"__name__":"up","instance":"b:9090","job":"node"}]})j");
  CHECK(answer(Get("match[]=up&limit=1")) ==
        R"j(200 {"status":"success","data":[{"__name__":"up","instance":"a:9090","job":"node"}],)j"
        R"j("warnings":["results truncated due to limit"]})j");
  CHECK(answer(Get("match[]=up&limit=2")) == both);
  CHECK(answer(Get("match[]=up&start=0&end=10")) == R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(Get("match[]=nothing")) == R"j(200 {"status":"success","data":[]})j");
}

TEST_CASE("series errors") {
  Fixture f;
  auto answer = [&](http::Request r) { return Answer(f.api().Series(r)); };
  CHECK(answer(Get("start=1")) ==
        R"j(400 {"status":"error","errorType":"bad_data","error":"no match[] parameter provided"})j");
  CHECK(
      answer(Get("match[]=up&x=%zz")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"error parsing form values: invalid URL escape \"%zz\""})j");
  CHECK(
      answer(Get("match[]=%7Bjob%3D~%22.*%22%7D")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"match[]\": match[] must contain at least one non-empty matcher"})j");
  CHECK(
      answer(Get("match[]=up&start=x")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"start\": Invalid time value for 'start': cannot parse \"x\" to a valid timestamp"})j");
  CHECK(answer(Get("match[]=up&end=-292273086-05-16T16:47:06Z")) ==
        R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(Get("match[]=up&start=-292273086-05-16T16:47:06Z&end=292277025-08-18T07:12:54.999999999Z"))
            .rfind("200 ", 0) == 0);
}

TEST_CASE("labels lists names, optionally of matching series") {
  Fixture f;
  auto answer = [&](http::Request r) { return Answer(f.api().LabelNames(r)); };
  CHECK(answer(Get("")) ==
        R"j(200 {"status":"success","data":["__name__","code","handler","http.status","instance","job"]})j");
  CHECK(answer(Post("", "match[]=up")) ==
        R"j(200 {"status":"success","data":["__name__","instance","job"]})j");
  CHECK(answer(Get("match[]=up&match[]=status_codes")) ==
        R"j(200 {"status":"success","data":["__name__","http.status","instance","job"]})j");
  CHECK(
      answer(Get("limit=2")) ==
      R"j(200 {"status":"success","data":["__name__","code"],"warnings":["results truncated due to limit"]})j");
  // The store answers names and values at partition (2h) granularity.
  CHECK(answer(Get("match[]=up&start=8000&end=9000")) == R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(Get("start=8000&end=9000")) == R"j(200 {"status":"success","data":[]})j");
  // Only series queries reject a malformed form; the rest ignore the bad pair.
  CHECK(answer(Get("match[]=up&x=%zz")) ==
        R"j(200 {"status":"success","data":["__name__","instance","job"]})j");
  CHECK(
      answer(Get("match[]=%7Bjob%3D%22%22%7D")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"match[] must contain at least one non-empty matcher"})j");
  CHECK(
      answer(Get("limit=1.5")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"limit\": strconv.Atoi: parsing \"1.5\": invalid syntax"})j");
  CHECK(
      answer(Get("end=x")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": Invalid time value for 'end': cannot parse \"x\" to a valid timestamp"})j");
}

TEST_CASE("label values, with U__ escaped names") {
  Fixture f;
  auto answer = [&](http::Request r) { return Answer(f.api().LabelValues(r)); };
  CHECK(answer(LabelValuesRequest("__name__")) ==
        R"j(200 {"status":"success","data":["http_requests_total","status_codes","up"]})j");
  CHECK(answer(LabelValuesRequest("__name__", "limit=40000&start=1000&end=1060")) ==
        R"j(200 {"status":"success","data":["http_requests_total","status_codes","up"]})j");
  CHECK(answer(LabelValuesRequest("instance", "match[]=up")) ==
        R"j(200 {"status":"success","data":["a:9090","b:9090"]})j");
  CHECK(answer(LabelValuesRequest("__name__", "match[]=up&match[]=status_codes")) ==
        R"j(200 {"status":"success","data":["status_codes","up"]})j");
  CHECK(answer(LabelValuesRequest("U__http_2e_status")) ==
        R"j(200 {"status":"success","data":["200","500"]})j");
  CHECK(answer(LabelValuesRequest("http.status")) == R"j(200 {"status":"success","data":["200","500"]})j");
  CHECK(
      answer(LabelValuesRequest("__name__", "limit=1")) ==
      R"j(200 {"status":"success","data":["http_requests_total"],"warnings":["results truncated due to limit"]})j");
  CHECK(answer(LabelValuesRequest("missing")) == R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(LabelValuesRequest("job", "match[]=up&start=8000&end=9000")) ==
        R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(LabelValuesRequest("job", "start=8000&end=9000")) ==
        R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(LabelValuesRequest("U__")) ==
        R"j(400 {"status":"error","errorType":"bad_data","error":"invalid label name: \"\""})j");
  CHECK(answer(LabelValuesRequest("job\xff")) ==
        R"j(400 {"status":"error","errorType":"bad_data","error":"invalid label name: \"job\\xff\""})j");
  CHECK(answer(LabelValuesRequest("job", "match[]=up%7B"))
            .rfind(R"j(400 {"status":"error","errorType":"bad_data","error":"1:)j", 0) == 0);
}

TEST_CASE("metadata lists families sorted by name") {
  Fixture f;
  auto answer = [&](http::Request r) { return Answer(f.api().Metadata(r)); };
  const std::string requests =
      R"j("http_requests_total":[{"type":"counter","help":"Requests \u003cserved\u003e.","unit":"requests"}])j";
  const std::string up = R"j("up":[{"type":"gauge","help":"Whether the target is up.","unit":""},)j"
                         R"j({"type":"gauge","help":"Up, said differently.","unit":""}])j";
  CHECK(answer(Get("")) == R"j(200 {"status":"success","data":{)j" + requests + "," + up + "}}");
  CHECK(answer(Get("limit=1")) == R"j(200 {"status":"success","data":{)j" + requests + "}}");
  CHECK(answer(Get("limit=0")) == R"j(200 {"status":"success","data":{}})j");
  CHECK(answer(Get("limit=-1&limit_per_metric=0")) ==
        R"j(200 {"status":"success","data":{)j" + requests + "," + up + "}}");
  CHECK(
      answer(Get("metric=up&limit_per_metric=1")) ==
      R"j(200 {"status":"success","data":{"up":[{"type":"gauge","help":"Whether the target is up.","unit":""}]}})j");
  CHECK(answer(Get("metric=nothing")) == R"j(200 {"status":"success","data":{}})j");
  CHECK(answer(Get("limit=x")) ==
        R"j(400 {"status":"error","errorType":"bad_data","error":"limit must be a number"})j");
  CHECK(answer(Get("limit_per_metric=1.5")) ==
        R"j(400 {"status":"error","errorType":"bad_data","error":"limit_per_metric must be a number"})j");
}

TEST_CASE("query_exemplars validates and answers no exemplars") {
  Fixture f;
  auto answer = [&](http::Request r) { return Answer(f.api().QueryExemplars(r)); };
  // Grafana's probe sends milliseconds, read as (far future) seconds.
  CHECK(answer(Get("query=test&start=1735687800000&end=1735691400000")) ==
        R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(Post("", "query=up")) == R"j(200 {"status":"success","data":[]})j");
  CHECK(answer(Get("query=1%2B1")) == "204 ");
  CHECK(
      answer(Get("query=up&start=10&end=5")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"end timestamp must not be before start timestamp"})j");
  CHECK(
      answer(Get("query=up&start=x")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"invalid parameter \"start\": Invalid time value for 'start': cannot parse \"x\" to a valid timestamp"})j");
  CHECK(
      answer(Get("query=sum(up")) ==
      R"j(400 {"status":"error","errorType":"bad_data","error":"1:7: parse error: unclosed left parenthesis"})j");
}

TEST_CASE("Routes lists every endpoint") {
  const std::vector<QueryApi::Route> routes = QueryApi::Routes();
  REQUIRE(routes.size() == 8);
  bool found = false;
  for (const QueryApi::Route& r : routes) {
    CHECK(r.allow_post);
    if (r.path == "/api/v1/label/:name/values") {
      found = true;
      CHECK(r.handler == &QueryApi::LabelValues);
    }
  }
  CHECK(found);
}

TEST_CASE("a large matrix is encoded in full") {
  Fixture f;
  // 10,001 points of one series.
  http::Request r = Get("query=up%7Binstance%3D%22a%3A9090%22%7D&start=1000&end=1060&step=0.006");
  http::Response answer = f.api().QueryRange(r);
  REQUIRE(answer.status == 200);
  CHECK(answer.body.find(R"j([1000,"1"],[1000.006,"1"],[1000.012,"1"])j") != std::string::npos);
  CHECK(answer.body.ends_with(R"j([1059.994,"1"],[1060,"1"]]}]}})j"));
}

}  // namespace
}  // namespace ember::scraper
