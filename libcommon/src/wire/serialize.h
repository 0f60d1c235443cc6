// Serialising a generated protobuf message into a snappy-compressed body.
// Private to src/wire.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "ember/base/status.h"
#include "ember/wire/snappy.h"

namespace ember::wire::internal {

// The message serialised and snappy-compressed; `what` names it in errors.
// Errors: InvalidArgument past protobuf's 2 GiB message limit.
template <class Message>
Result<std::string> SerializeCompressed(const Message& message, std::string_view what) {
  if (message.ByteSizeLong() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::InvalidArgument(std::string(what) + " of " + std::to_string(message.ByteSizeLong()) +
                                   " bytes exceeds protobuf's 2 GiB message limit");
  }
  std::string raw;
  if (!message.SerializeToString(&raw)) {
    return Status::Internal("protobuf: serializing the " + std::string(what) + " failed");
  }
  return SnappyCompress(raw);
}

}  // namespace ember::wire::internal
