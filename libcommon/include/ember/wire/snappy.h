// Snappy block compression, the framing-free form remote write and remote
// read bodies use (Content-Encoding: snappy).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember::wire {

// Compresses `raw` into one snappy block.
std::string SnappyCompress(std::string_view raw);

// Uncompresses one snappy block. The block's header states its uncompressed
// length, which is checked against `max_bytes` before anything is allocated.
// Errors: InvalidArgument when `compressed` is not a valid block ("snappy: ...");
// ResourceExhausted when it would uncompress to more than `max_bytes`.
Result<std::string> SnappyUncompress(std::string_view compressed, size_t max_bytes);

}  // namespace ember::wire
