// The byte forms of silences in the snapshot payload and the log records
// (described in README.md). Shared by the store and the fuzz targets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"
#include "silence/silence.h"

namespace ember::alerter {

// Snapshot magic of the silence directory.
inline constexpr std::string_view kSilenceSnapshotMagic = "EMSILNC1";

std::string EncodeSilence(const Silence& silence);
// Errors: Corruption ("silence record: ...") for short or trailing input, an
// unknown matcher type or a regex that does not compile.
Result<Silence> DecodeSilence(std::string_view data);

// A log record: u8 kind (1 = the full silence as it now is) + EncodeSilence.
std::string EncodeSilenceLogRecord(const Silence& silence);
Result<Silence> DecodeSilenceLogRecord(std::string_view record);

// The snapshot payload: u32 count, then count length-prefixed silences.
std::string EncodeSilenceSnapshot(const std::vector<Silence>& silences);
Result<std::vector<Silence>> DecodeSilenceSnapshot(std::string_view payload);

}  // namespace ember::alerter
