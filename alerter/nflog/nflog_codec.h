// The byte forms of notification-log entries in the snapshot payload and
// the log records (described in README.md). Shared by the log and the fuzz
// targets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "nflog/nflog.h"

namespace ember::alerter {

inline constexpr std::string_view kNflogSnapshotMagic = "EMNFLOG1";

std::string EncodeNflogEntry(const NflogEntry& entry);
// Errors: Corruption ("nflog record: ...") for short or trailing input.
Result<NflogEntry> DecodeNflogEntry(std::string_view data);

// A log record: u8 kind (1 = the full entry) + EncodeNflogEntry.
std::string EncodeNflogLogRecord(const NflogEntry& entry);
Result<NflogEntry> DecodeNflogLogRecord(std::string_view record);

// The snapshot payload: u32 count, then count length-prefixed entries.
std::string EncodeNflogSnapshot(const std::vector<NflogEntry>& entries);
Result<std::vector<NflogEntry>> DecodeNflogSnapshot(std::string_view payload);

}  // namespace ember::alerter
