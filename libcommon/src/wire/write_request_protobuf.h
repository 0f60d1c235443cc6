// The remote write 1.0 decoder built on the generated protobuf classes. It was
// the decoder until the hand-written one in remote_write.cpp replaced it on the
// hot path (bench: see README.md); it stays as the reference that
// wire_remote_write_fuzz holds the hand-written one to, byte for byte and
// error for error. Private to src/wire.
#pragma once

#include <string_view>

#include "ember/wire/remote_write.h"

namespace ember::wire::internal {

// Same contract as DecodeWriteRequest.
Result<WriteRequestData> DecodeWriteRequestWithProtobuf(std::string_view body,
                                                        const WriteDecodeLimits& limits);

}  // namespace ember::wire::internal
