// What Alertmanager's notification templates see as `.`: the group of alerts
// being notified (upstream's template.Data), and the template functions of
// Alertmanager (toUpper, join, safeHtml, date, tz, toJson, ...).
//
// Times are Unix nanoseconds in UTC; kZeroTime stands for Go's zero
// time.Time ("0001-01-01T00:00:00Z").
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "ember/template/value.h"

namespace ember::alerter {

inline constexpr int64_t kZeroTime = std::numeric_limits<int64_t>::min();

// A label or annotation set (upstream's template.KV): iterated by name.
using KV = std::map<std::string, std::string>;

// One alert of the group, as templates and the webhook payload see it.
struct NotifyAlert {
  std::string status;  // "firing" or "resolved"
  KV labels;
  KV annotations;
  int64_t starts_at = kZeroTime;  // Unix ns
  int64_t ends_at = kZeroTime;    // Unix ns; kZeroTime when unknown
  std::string generator_url;
  std::string fingerprint;  // 16 lower-case hex digits
};

// The data of one notification (upstream's template.Data plus what the
// webhook message adds: group key and the number of alerts cut by max_alerts).
struct NotificationData {
  std::string receiver;  // regexp-quoted receiver name, as upstream
  std::string status;    // "firing" when any alert fires, else "resolved"
  std::vector<NotifyAlert> alerts;
  KV group_labels;
  KV common_labels;
  KV common_annotations;
  std::string external_url;
  std::string group_key;
  uint64_t truncated_alerts = 0;
};

// Builds the data as upstream's Template.Data does: the receiver name
// regexp-quoted, status "firing" when any alert fires, common labels and
// annotations the pairs every alert shares.
NotificationData MakeNotificationData(std::string_view receiver, const KV& group_labels,
                                      std::vector<NotifyAlert> alerts, std::string external_url,
                                      std::string group_key);

// Go's regexp.QuoteMeta.
std::string QuoteMeta(std::string_view s);

// The data as a template value: a `*template.Data` object with .Receiver
// .Status .Alerts (`template.Alerts` with .Firing and .Resolved) .GroupLabels
// .CommonLabels .CommonAnnotations (`template.KV` with .SortedPairs .Names
// .Values .Remove; pairs have .Name and .Value) .ExternalURL; each alert has
// .Status .Labels .Annotations .StartsAt .EndsAt (time.Time) .GeneratorURL
// .Fingerprint.
tmpl::Value DataValue(const NotificationData& data);
tmpl::Value AlertValue(const NotifyAlert& alert);
tmpl::Value KVValue(const KV& kv);

// Alertmanager's template functions (upstream's DefaultFuncs): toUpper
// toLower title trimSpace join match safeHtml safeUrl urlUnescape
// reReplaceAll stringSlice date tz now since humanizeDuration toDate
// mustToDate toJson base64encode base64decode list append dict.
// Thread-safe; lives for the program.
const tmpl::FuncMap& AlertmanagerFuncs();

// Go's json.Marshal of a template value (HTML characters escaped as
// \u003c, maps by key, alerts with upstream's field names, times in
// RFC 3339 with nanoseconds). Error: a function value.
Result<std::string> ValueToJson(const tmpl::Value& v);

}  // namespace ember::alerter
