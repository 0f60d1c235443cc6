#include "ember/http/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace ember::http {
namespace {

// windowBits 15 plus 16 selects the gzip wrapper instead of zlib's own.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kDefaultMemLevel = 8;
constexpr size_t kChunkBytes = 64 * 1024;

// zlib counts in uInt; feed it at most this much per call.
constexpr size_t kMaxZlibSpan = std::numeric_limits<uInt>::max();

}  // namespace

Result<std::string> GzipCompress(std::string_view data, int level) {
  if (level < 0 || level > 9) {
    return Status::InvalidArgument("gzip level must be between 0 and 9, got " + std::to_string(level));
  }
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, kGzipWindowBits, kDefaultMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(std::min(data.size(), kMaxZlibSpan))) + 32);
  size_t produced = 0;
  size_t consumed = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    const size_t in_span = std::min(data.size() - consumed, kMaxZlibSpan);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    zs.avail_in = static_cast<uInt>(in_span);
    if (out.size() - produced < kChunkBytes) out.resize(out.size() + kChunkBytes);
    const size_t out_span = std::min(out.size() - produced, kMaxZlibSpan);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out_span);
    const bool last = consumed + in_span == data.size();
    rc = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&zs);
      return Status::Internal("gzip: deflate failed");
    }
    consumed += in_span - zs.avail_in;
    produced += out_span - zs.avail_out;
  }
  deflateEnd(&zs);
  out.resize(produced);
  return out;
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_output_bytes) {
  if (data.empty()) return Status::InvalidArgument("gzip: empty input");
  z_stream zs{};
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK) return Status::Internal("gzip: inflateInit2 failed");

  std::string out;
  size_t consumed = 0;
  Status failure;
  for (;;) {
    const size_t in_span = std::min(data.size() - consumed, kMaxZlibSpan);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    zs.avail_in = static_cast<uInt>(in_span);

    // Room for one more chunk, capped one byte past the limit so that
    // overflowing output is detected without decoding all of it.
    const size_t produced = out.size();
    const size_t left = max_output_bytes - std::min(produced, max_output_bytes);
    const size_t room = std::min(kChunkBytes, left == SIZE_MAX ? left : left + 1);
    out.resize(produced + room);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(room);

    const int rc = inflate(&zs, Z_NO_FLUSH);
    consumed += in_span - zs.avail_in;
    out.resize(produced + (room - zs.avail_out));

    if (out.size() > max_output_bytes) {
      failure = Status::ResourceExhausted("gzip: decompressed size exceeds the limit of " +
                                          std::to_string(max_output_bytes) + " bytes");
      break;
    }
    if (rc == Z_STREAM_END) {
      if (consumed == data.size()) break;
      // Another member follows: start it with a fresh header.
      if (inflateReset(&zs) != Z_OK) {
        failure = Status::Internal("gzip: inflateReset failed");
        break;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR && consumed == data.size() && zs.avail_out != 0) {
      failure = Status::InvalidArgument("gzip: unexpected end of input");
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      failure =
          Status::InvalidArgument(std::string("gzip: invalid data: ") + (zs.msg ? zs.msg : "corrupt stream"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!failure.ok()) return failure;
  return out;
}

}  // namespace ember::http
