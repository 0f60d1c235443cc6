// Gzip (RFC 1952) compression of whole bodies in memory, for HTTP
// Content-Encoding: gzip in both directions. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ember/base/status.h"

namespace ember::http {

// Compresses `data` into one gzip member. `level` is zlib's 0 (store) to 9
// (smallest); 6 is zlib's own default trade-off.
// Errors: InvalidArgument for a level outside 0..9; Internal if zlib fails.
Result<std::string> GzipCompress(std::string_view data, int level = 6);

// Decompresses gzip data; concatenated members are decoded one after another,
// as Go's gzip.Reader does. The output may be at most `max_output_bytes`
// long, so a small "zip bomb" cannot exhaust memory.
// Errors: ResourceExhausted when the output would exceed the limit;
// InvalidArgument when the input is not valid gzip or is truncated.
Result<std::string> GzipDecompress(std::string_view data, size_t max_output_bytes);

}  // namespace ember::http
