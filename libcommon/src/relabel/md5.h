// MD5 (RFC 1321), only for hashmod: upstream picks shards by MD5, so the same
// target lands on the same shard in Prometheus and Ember. Not for security.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ember::relabel {

std::array<uint8_t, 16> Md5(std::string_view data);

}  // namespace ember::relabel
