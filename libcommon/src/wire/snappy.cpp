#include "ember/wire/snappy.h"

#include <snappy.h>

#include <string>

namespace ember::wire {

std::string SnappyCompress(std::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

Result<std::string> SnappyUncompress(std::string_view compressed, size_t max_bytes) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(compressed.data(), compressed.size(), &length)) {
    return Status::InvalidArgument("snappy: corrupt input (bad length header)");
  }
  if (length > max_bytes) {
    return Status::ResourceExhausted("snappy: uncompressed size " + std::to_string(length) +
                                     " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  std::string out;
  if (!snappy::Uncompress(compressed.data(), compressed.size(), &out)) {
    return Status::InvalidArgument("snappy: corrupt input");
  }
  return out;
}

}  // namespace ember::wire
