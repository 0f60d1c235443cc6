// ember-scraper: does the job of the Prometheus server. main() wires the
// components and owns their start and stop order:
//   flags and configuration -> notifier -> HTTP server (not ready) -> storage
//   opens in the background (WAL replay) -> scraping -> rules -> API
//   handlers -> ready
// and, on the way out, server -> handlers -> rules -> scraping -> notifier
// (draining its queue) -> remote write -> storage.
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <tuple>

#include "api/api_routes.h"
#include "config/scraper_config.h"
#include "ember/app/program.h"
#include "ember/app/version.h"
#include "ember/base/clock.h"
#include "ember/base/strings.h"
#include "ember/discovery/discovery_manager.h"
#include "ember/discovery/discovery_metrics.h"
#include "ember/http/router.h"
#include "ember/notifier/notifier.h"
#include "ember/promql/engine.h"
#include "ember/promql/queryable.h"
#include "ember/rules/manager.h"
#include "ember/rules/rule_file.h"
#include "ember/tsdb/db.h"
#include "metadata/metadata_store.h"
#include "remote/remote_storage.h"
#include "rules/check_rules.h"
#include "rules/send_alerts.h"
#include "rules/tsdb_rules.h"
#include "rulestest/rule_test_runner.h"
#include "scrape/discovery_configs.h"
#include "scrape/scrape_manager.h"

namespace {

using namespace ember;

// Flags that only ember-scraper has, with Prometheus's names and defaults.
struct ScraperFlags {
  std::string tsdb_path = "data/";
  std::string retention_time;
  std::string retention_size;
  std::string lookback_delta = "5m";
  std::string query_timeout = "2m";
  int64_t query_max_concurrency = 20;
  int64_t query_max_samples = 50'000'000;
  bool enable_admin_api = false;
  bool enable_remote_write_receiver = true;
  std::vector<std::string> remote_write_messages = {"prometheus.WriteRequest",
                                                    "io.prometheus.write.v2.Request"};
  int64_t remote_read_sample_limit = 50'000'000;
  int64_t remote_read_concurrent_limit = 10;
  int64_t remote_read_max_bytes_in_frame = 1 << 20;
  std::vector<std::string> features;
  std::string cors_origin = ".*";
  std::string for_outage_tolerance = "1h";
  std::string for_grace_period = "10m";
  std::string resend_delay = "1m";
  int64_t notification_queue_capacity = 10000;
  int64_t notification_batch_size = 256;
  bool drain_notification_queue = true;
};

void RegisterFlags(FlagSet& flags, ScraperFlags& f) {
  flags.String("storage.tsdb.path", &f.tsdb_path, "Base path for metrics storage.");
  flags.String("storage.tsdb.retention.time", &f.retention_time,
               "How long to retain samples in storage. If neither this flag nor "
               "storage.tsdb.retention.size is set, the retention time defaults to 15d.");
  flags.String("storage.tsdb.retention.size", &f.retention_size,
               "Maximum number of bytes that can be stored for blocks. Units supported: B, KB, MB, GB, "
               "TB, PB, EB. Ex: \"512MB\". Based on powers-of-2, so 1KB is 1024B.");
  flags.String("query.lookback-delta", &f.lookback_delta,
               "The maximum lookback duration for retrieving metrics during expression evaluations "
               "and federation.");
  flags.String("query.timeout", &f.query_timeout, "Maximum time a query may take before being aborted.");
  flags.Int("query.max-concurrency", &f.query_max_concurrency,
            "Maximum number of queries executed concurrently.");
  flags.Int("query.max-samples", &f.query_max_samples,
            "Maximum number of samples a single query can load into memory.");
  flags.Bool("web.enable-admin-api", &f.enable_admin_api, "Enable API endpoints for admin control actions.");
  flags.Bool("web.enable-remote-write-receiver", &f.enable_remote_write_receiver,
             "Enable API endpoint accepting remote write requests (--no-web.enable-remote-write-receiver "
             "turns it off).");
  flags.Strings("web.remote-write-receiver.accepted-protobuf-messages", &f.remote_write_messages,
                "List of the remote write protobuf messages to accept when receiving the remote writes. "
                "Supported values: prometheus.WriteRequest, io.prometheus.write.v2.Request");
  flags.Int("storage.remote.read-sample-limit", &f.remote_read_sample_limit,
            "Maximum overall number of samples to return via the remote read interface, in a single "
            "query. 0 means no limit. This limit is ignored for streamed response types.");
  flags.Int("storage.remote.read-concurrent-limit", &f.remote_read_concurrent_limit,
            "Maximum number of concurrent remote read calls. 0 means no limit.");
  flags.Int("storage.remote.read-max-bytes-in-frame", &f.remote_read_max_bytes_in_frame,
            "Maximum number of bytes in a single frame for streaming remote read response types before "
            "marshalling.");
  flags.String("web.cors.origin", &f.cors_origin,
               "Regex for CORS origin. It is fully anchored. Example: 'https?://(domain1|domain2)\\.com'");
  flags.String("rules.alert.for-outage-tolerance", &f.for_outage_tolerance,
               "Max time to tolerate prometheus outage for restoring \"for\" state of alert.");
  flags.String("rules.alert.for-grace-period", &f.for_grace_period,
               "Minimum duration between alert and restored \"for\" state. This is maintained only for "
               "alerts with configured \"for\" time greater than grace period.");
  flags.String("rules.alert.resend-delay", &f.resend_delay,
               "Minimum amount of time to wait before resending an alert to Alertmanager.");
  flags.Int("alertmanager.notification-queue-capacity", &f.notification_queue_capacity,
            "The capacity of the queue for pending Alertmanager notifications.");
  flags.Int("alertmanager.notification-batch-size", &f.notification_batch_size,
            "The maximum number of notifications per batch to send to the Alertmanager.");
  flags.Bool("alertmanager.drain-notification-queue-on-shutdown", &f.drain_notification_queue,
             "Send any outstanding Alertmanager notifications when shutting down. If false, any outstanding "
             "Alertmanager notifications will be dropped when shutting down.");
  flags.Strings("enable-feature", &f.features,
                "Comma separated feature names to enable: promql-experimental-functions, "
                "promql-delayed-name-removal, promql-per-step-stats.");
}

// The items of a list flag, given once with commas or many times, trimmed;
// empty items are left out.
std::vector<std::string_view> ListItems(const std::vector<std::string>& uses) {
  std::vector<std::string_view> items;
  for (const std::string& use : uses) {
    for (std::string_view item : Split(use, ',')) {
      item = TrimSpace(item);
      if (!item.empty()) items.push_back(item);
    }
  }
  return items;
}

std::string HostName() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) return "";
  return host;
}

std::string WorkingDirectory() {
  char dir[4096] = {};
  if (::getcwd(dir, sizeof(dir) - 1) == nullptr) return "";
  return dir;
}

// `ember-scraper test rules [--run=REGEX]... [--ignore-unknown-fields]
// [--enable-feature=F] FILE...` and `ember-scraper check rules
// [--ignore-unknown-fields] FILE...`, promtool's commands of the same names.
// nullopt when `args` (argv[1..]) is not such a command.
std::optional<int> RunToolCommand(std::span<char* const> args) {
  if (args.size() < 2) return std::nullopt;
  const std::string_view command = args[0];
  const std::string_view what = args[1];
  if ((command != "test" && command != "check") || what != "rules") return std::nullopt;
  scraper::RuleTestOptions test_options;
  std::vector<std::string> files;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--ignore-unknown-fields") {
      test_options.ignore_unknown_fields = true;
    } else if (command == "test" && arg.starts_with("--run=")) {
      test_options.run.emplace_back(arg.substr(6));
    } else if (command == "test" && arg == "--run" && i + 1 < args.size()) {
      test_options.run.emplace_back(args[++i]);
    } else if (command == "test" && arg.starts_with("--enable-feature=")) {
      for (std::string_view feature : Split(arg.substr(17), ',')) {
        if (feature == "promql-experimental-functions") test_options.enable_experimental_functions = true;
        if (feature == "promql-delayed-name-removal") test_options.delayed_name_removal = true;
      }
    } else if (arg.starts_with("-")) {
      std::cerr << "ember-scraper: error: unknown flag " << arg << " for " << command << " rules\n";
      return 1;
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "ember-scraper: error: " << command << " rules needs at least one file\n";
    return 1;
  }
  if (command == "check") {
    return scraper::CheckRuleFiles(files, test_options.ignore_unknown_fields, std::cout, std::cerr);
  }
  return scraper::RunRuleTests(files, test_options, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  if (auto code = RunToolCommand(std::span<char* const>(argv + 1, argc > 0 ? argc - 1 : 0))) return *code;
  app::Program program({
      .name = "ember-scraper",
      .summary = "The Ember monitoring server: scraping, time series storage, PromQL and rules.",
      .default_listen_address = ":9090",
      .metrics_namespace = "prometheus",
      .healthy_text = "Prometheus Server is Healthy.\n",
      .ready_text = "Prometheus Server is Ready.\n",
      .lifecycle_flag = true,
      .external_url_flags = true,
  });
  ScraperFlags flags;
  RegisterFlags(program.flags(), flags);
  if (auto exit_code = program.ParseFlags(argc, argv)) return *exit_code;
  const Logger& logger = program.logger();
  const int64_t start_time_ms = Clock::Real().NowMs();

  auto invalid_flag = [&](std::string_view flag, const std::string& err) {
    logger.Error("Invalid flag", {{"flag", std::string(flag)}, {"err", err}});
    return 1;
  };

  tsdb::DbOptions db_options;
  db_options.dir = flags.tsdb_path;
  std::string retention = "15d";
  if (!flags.retention_size.empty()) {
    auto bytes = ParseBase2Bytes(flags.retention_size);
    if (!bytes || *bytes < 0) {
      return invalid_flag("storage.tsdb.retention.size",
                          "invalid byte size \"" + flags.retention_size + "\"");
    }
    db_options.retention_bytes = static_cast<uint64_t>(*bytes);
    db_options.retention_ms = 0;
    retention = flags.retention_size;
  }
  if (!flags.retention_time.empty()) {
    auto d = ParseDuration(flags.retention_time);
    if (!d.ok()) return invalid_flag("storage.tsdb.retention.time", d.status().message());
    db_options.retention_ms = d->count();
    retention = flags.retention_size.empty() ? flags.retention_time
                                             : flags.retention_time + " or " + flags.retention_size;
  }

  promql::EngineOptions engine_options;
  scraper::QueryApi::Options query_options;
  if (auto d = ParseDuration(flags.lookback_delta); d.ok() && d->count() > 0) {
    engine_options.lookback_delta_ms = d->count();
  } else {
    return invalid_flag("query.lookback-delta", "invalid duration " + GoQuote(flags.lookback_delta));
  }
  if (auto d = ParseDuration(flags.query_timeout); d.ok() && d->count() > 0) {
    engine_options.timeout = *d;
  } else {
    return invalid_flag("query.timeout", "invalid duration " + GoQuote(flags.query_timeout));
  }
  engine_options.max_concurrent_queries = static_cast<int>(flags.query_max_concurrency);
  engine_options.max_samples = flags.query_max_samples;
  for (std::string_view feature : ListItems(flags.features)) {
    if (feature == "promql-experimental-functions") {
      engine_options.parse.enable_experimental_functions = true;
    } else if (feature == "promql-delayed-name-removal") {
      engine_options.delayed_name_removal = true;
    } else if (feature == "promql-per-step-stats") {
      query_options.per_step_stats = true;
    } else {
      logger.Warn("Unknown option for --enable-feature", {{"option", std::string(feature)}});
    }
  }

  // Rule evaluation and the notifier's flags.
  rules::ManagerOptions rule_options;
  for (auto [flag, text, out] : {
           std::tuple{"rules.alert.for-outage-tolerance", &flags.for_outage_tolerance,
                      &rule_options.outage_tolerance},
           std::tuple{"rules.alert.for-grace-period", &flags.for_grace_period,
                      &rule_options.for_grace_period},
           std::tuple{"rules.alert.resend-delay", &flags.resend_delay, &rule_options.resend_delay},
       }) {
    auto d = ParseDuration(*text);
    if (!d.ok()) return invalid_flag(flag, d.status().message());
    *out = *d;
  }
  if (flags.notification_queue_capacity <= 0 || flags.notification_batch_size <= 0) {
    return invalid_flag(flags.notification_queue_capacity <= 0 ? "alertmanager.notification-queue-capacity"
                                                               : "alertmanager.notification-batch-size",
                        "must be positive");
  }

  scraper::RemoteWriteApi::Options write_options;
  write_options.limits.require_sorted_labels = true;
  write_options.accept_v1 = write_options.accept_v2 = false;
  for (std::string_view message : ListItems(flags.remote_write_messages)) {
    if (message == "prometheus.WriteRequest") {
      write_options.accept_v1 = true;
    } else if (message == "io.prometheus.write.v2.Request") {
      write_options.accept_v2 = true;
    } else {
      return invalid_flag("web.remote-write-receiver.accepted-protobuf-messages",
                          "unknown remote write protobuf message " + std::string(message));
    }
  }

  if (!program.PrepareStorageDir(flags.tsdb_path)) return 1;

  auto config = program.LoadConfig<scraper::ScraperConfig>(scraper::LoadScraperConfig);
  if (!config) return 1;
  db_options.out_of_order_time_window_ms = config->Current()->storage.out_of_order_time_window.count();
  auto external_labels = [&config] { return config->Current()->global.external_labels; };

  // Alerts go to the Alertmanagers of `alerting`, found through their own
  // service discovery, from the first configuration on.
  discovery::DiscoveryMetrics discovery_metrics(program.metrics());
  notifier::ManagerOptions notifier_options;
  notifier_options.queue_capacity = static_cast<size_t>(flags.notification_queue_capacity);
  notifier_options.max_batch_size = static_cast<size_t>(flags.notification_batch_size);
  notifier_options.drain_on_shutdown = flags.drain_notification_queue;
  notifier_options.user_agent = "ember-scraper/" + std::string(app::Version());
  notifier_options.logger = logger.With({{"component", "notifier"}});
  notifier_options.metrics = &program.metrics();
  notifier_options.discovery_metrics = &discovery_metrics;
  notifier::Manager notifier(std::move(notifier_options));
  if (Status st =
          notifier.ApplyConfig(config->Current()->alerting, config->Current()->global.external_labels);
      !st.ok()) {
    logger.Error("Starting the notifier failed", {{"err", st}});
  }
  config->Subscribe([&notifier](const std::shared_ptr<const scraper::ScraperConfig>& c) {
    return notifier.ApplyConfig(c->alerting, c->global.external_labels);
  });

  // The store opens after the server listens: /-/ready and the API answer
  // 503 until the WAL replay is done.
  program.MarkReadyOnStart(false);
  std::atomic<scraper::ApiHandlers*> api{nullptr};
  scraper::ApiRouteOptions route_options;
  route_options.remote_write = flags.enable_remote_write_receiver;
  route_options.max_remote_body_bytes = write_options.limits.max_compressed_bytes;
  route_options.cors_origin = flags.cors_origin;
  if (Status st = scraper::RegisterApiRoutes(program.router(), api, route_options); !st.ok()) {
    return invalid_flag("web.cors.origin", st.message());
  }

  scraper::MetadataStore metadata;
  promql::Engine engine(engine_options, &program.metrics());
  std::unique_ptr<tsdb::Db> db;
  std::unique_ptr<promql::Queryable> queryable;
  // The remote write queues, fed by every commit to the store; created once
  // the store is open, before anything writes to it.
  std::unique_ptr<scraper::RemoteStorage> remote;
  std::atomic<scraper::RemoteStorage*> remote_ptr{nullptr};
  config->Subscribe([&remote_ptr](const std::shared_ptr<const scraper::ScraperConfig>& c) {
    scraper::RemoteStorage* r = remote_ptr.load();
    return r != nullptr ? r->ApplyConfig(*c) : Status::Ok();
  });
  // Scraping: service discovery feeds the scrape manager's pools. Both start
  // once the store is open and follow every reload.
  std::mutex scrape_mu;  // a reload never meets scraping half started or stopped
  std::unique_ptr<scraper::ScrapeManager> scrape;
  std::unique_ptr<discovery::DiscoveryManager> scrape_discovery;
  auto apply_scrape_config = [&](const scraper::ScraperConfig& c) {
    Status st = scrape->ApplyConfig(c);
    Status sd = scrape_discovery->ApplyConfig(scraper::ScrapeDiscoveryConfigs(c.scrape_configs));
    return st.ok() ? sd : st;
  };
  config->Subscribe([&](const std::shared_ptr<const scraper::ScraperConfig>& c) {
    std::lock_guard lock(scrape_mu);
    return scrape != nullptr ? apply_scrape_config(*c) : Status::Ok();
  });
  // Rules: evaluated against the store once it is open; each reload loads
  // the rule files again (a failing load keeps the previous rules).
  std::mutex rules_mu;
  std::unique_ptr<scraper::TsdbRuleAppendable> rule_appendable;
  std::unique_ptr<rules::Manager> rule_manager;
  auto apply_rules_config = [&](const scraper::ScraperConfig& c) -> Status {
    EMBER_ASSIGN_OR_RETURN(std::vector<std::string> files, rules::ExpandRuleFileGlobs(c.rule_files));
    rules::LoadOptions load;
    load.default_interval = c.global.evaluation_interval;
    load.external_labels = c.global.external_labels;
    load.external_url = program.external_url();
    return rule_manager->Update(load, files);
  };
  config->Subscribe([&](const std::shared_ptr<const scraper::ScraperConfig>& c) {
    std::lock_guard lock(rules_mu);
    return rule_manager != nullptr ? apply_rules_config(*c) : Status::Ok();
  });
  scraper::ApiHandlers handlers;

  std::jthread opener([&] {
    auto opened = tsdb::Db::Open(db_options, logger.With({{"component", "tsdb"}}), &program.metrics());
    if (!opened.ok()) {
      logger.Error("Opening storage failed", {{"err", opened.status()}});
      program.RequestExit(1);
      return;
    }
    db = std::move(opened).value();
    queryable = promql::NewTsdbQueryable(*db);
    remote = std::make_unique<scraper::RemoteStorage>(
        *db, scraper::RemoteStorage::Options{.dir = flags.tsdb_path + "/remote_write", .metadata = &metadata},
        logger.With({{"component", "remote"}}), program.metrics());
    remote_ptr.store(remote.get());
    if (Status st = remote->ApplyConfig(*config->Current()); !st.ok()) {
      logger.Error("Starting remote write failed", {{"err", st}});
    }
    {
      std::lock_guard lock(scrape_mu);
      scraper::ScrapeManagerOptions scrape_options;
      scrape_options.hostname = HostName();
      scrape_options.user_agent = "ember-scraper/" + std::string(app::Version());
      scrape = std::make_unique<scraper::ScrapeManager>(
          scrape_options, *db, &metadata, logger.With({{"component", "scrape manager"}}), &program.metrics());
      scrape_discovery = std::make_unique<discovery::DiscoveryManager>(
          discovery::DiscoveryManagerOptions{}, logger.With({{"component", "discovery manager scrape"}}),
          &discovery_metrics,
          [s = scrape.get()](const discovery::TargetSnapshot& targets) { s->Sync(targets); });
      if (Status st = apply_scrape_config(*config->Current()); !st.ok()) {
        logger.Error("Starting scraping failed", {{"err", st}});
      }
    }

    {
      std::lock_guard lock(rules_mu);
      rule_appendable = std::make_unique<scraper::TsdbRuleAppendable>(*db);
      rule_options.query = scraper::PromqlRuleQuery(engine, *queryable);
      rule_options.parse_expr = scraper::PromqlRuleParser(engine_options.parse);
      rule_options.appendable = rule_appendable.get();
      rule_options.query_series = scraper::TsdbSeriesQuery(*db);
      rule_options.notify = scraper::SendAlertsTo(notifier, program.external_url());
      rule_options.logger = logger;
      rule_options.metrics = &program.metrics();
      rule_options.default_query_offset = [&config] { return config->Current()->global.rule_query_offset; };
      rule_manager = std::make_unique<rules::Manager>(std::move(rule_options));
      if (Status st = apply_rules_config(*config->Current()); !st.ok()) {
        logger.Error("Loading rules failed", {{"err", st}});
        program.RequestExit(1);
        return;
      }
      rule_manager->Start();
    }

    scraper::ServerInfo info;
    info.start_time_ms = start_time_ms;
    info.working_directory = WorkingDirectory();
    info.hostname = HostName();
    info.storage_retention = retention;
    info.flags = program.flags().Values();
    info.config_yaml = [&config] { return config->Current()->source_yaml; };
    info.admin_api_enabled = flags.enable_admin_api;
    info.listen_address = program.common().listen_address;
    info.external_url = program.external_url();

    handlers.query =
        std::make_unique<scraper::QueryApi>(*db, engine, *queryable, metadata, Clock::Real(), query_options);
    handlers.status = std::make_unique<scraper::StatusApi>(*db, std::move(info),
                                                           logger.With({{"component", "api"}}), scrape.get());
    if (flags.enable_remote_write_receiver) {
      handlers.remote_write = std::make_unique<scraper::RemoteWriteApi>(
          *db, metadata, logger.With({{"component", "remote_write"}}), program.metrics(), write_options);
    }
    scraper::RemoteReadApi::Options read_options;
    read_options.sample_limit = flags.remote_read_sample_limit;
    read_options.concurrent_limit = flags.remote_read_concurrent_limit;
    read_options.max_bytes_in_frame = flags.remote_read_max_bytes_in_frame;
    handlers.remote_read = std::make_unique<scraper::RemoteReadApi>(
        *db, external_labels, logger.With({{"component", "remote_read"}}), read_options);
    handlers.federate = std::make_unique<scraper::Federate>(*db, engine_options.lookback_delta_ms,
                                                            external_labels, Clock::Real());
    handlers.rules = std::make_unique<scraper::RulesApi>(rule_manager.get(), &notifier);
    api.store(&handlers, std::memory_order_release);
    program.SetReady(true);
  });

  int code = program.Run();
  // Run() returns once the server has stopped: no handler runs any more.
  opener.join();
  api.store(nullptr);
  handlers = {};
  {
    // Evaluations in flight finish their appends and notifications.
    std::lock_guard lock(rules_mu);
    if (rule_manager != nullptr) rule_manager->Stop();
  }
  {
    // Scrape loops finish their last appends while the store is still open.
    std::lock_guard lock(scrape_mu);
    if (scrape_discovery != nullptr) scrape_discovery->Stop();
    if (scrape != nullptr) scrape->Stop();
    scrape_discovery.reset();
    scrape.reset();
  }
  notifier.Stop();
  rule_manager.reset();
  remote_ptr.store(nullptr);
  if (remote != nullptr) remote->Stop();
  queryable.reset();
  if (db != nullptr) {
    if (Status st = db->Close(); !st.ok()) {
      logger.Error("Error closing storage", {{"err", st}});
      return 1;
    }
  }
  return code;
}
