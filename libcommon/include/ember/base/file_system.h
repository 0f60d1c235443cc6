// FileSystem: the seam through which Ember code touches files, so that tests
// can use an in-memory file system and simulate crashes.
//
// Paths are plain strings with '/' separators. Every call is thread-safe; a
// WritableFile is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/base/status.h"

namespace ember {

// An open file written at its end.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes to the operating system and, for the real file system, fsyncs:
  // data appended before a successful Sync survives a crash of the machine.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes written so far, including any that were already in the file.
  virtual uint64_t Size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Errors: NotFound when the file is missing; IOError otherwise.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Writes a temporary file beside `path`, syncs it and renames it over
  // `path`: readers see the old or the new content, never a mix.
  virtual Status WriteFileAtomically(const std::string& path, std::string_view data) = 0;
  // Opens for appending, creating the file when missing (truncating when `truncate`).
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, bool truncate) = 0;
  // Names (not paths) of the entries in `dir`, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` and its missing parents; OK when it exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes a file or a directory tree; OK when it does not exist.
  virtual Status RemoveAll(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;

  // The process-wide real file system.
  static FileSystem& Real();
};

// An in-memory file system for tests. Files are kept whole in memory;
// directories exist implicitly when a file is under them or were created.
std::unique_ptr<FileSystem> NewMemFileSystem();

// "a/b" joined with "c" is "a/b/c".
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace ember
