#include "ember/base/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

namespace ember {
namespace {

namespace stdfs = std::filesystem;

Status ErrnoStatus(std::string_view op, const std::string& path, int err) {
  std::string what(op);
  what += ' ';
  what += path;
  return Status::FromErrno(what, err);
}

class RealWritableFile final : public WritableFile {
 public:
  RealWritableFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~RealWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return ErrnoStatus("close", path_, errno);
    return Status::Ok();
  }

  uint64_t Size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

// Syncs a directory so that a rename or create inside it survives a crash.
Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync", dir, err);
  return Status::Ok();
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

class RealFileSystem final : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    std::string out;
    char buf[65536];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return ErrnoStatus("read", path, err);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Status WriteFileAtomically(const std::string& path, std::string_view data) override {
    std::string tmp = path + ".tmp";
    EMBER_ASSIGN_OR_RETURN(auto file, OpenForAppend(tmp, true));
    EMBER_RETURN_IF_ERROR(file->Append(data));
    EMBER_RETURN_IF_ERROR(file->Sync());
    EMBER_RETURN_IF_ERROR(file->Close());
    EMBER_RETURN_IF_ERROR(Rename(tmp, path));
    return SyncDir(ParentDir(path));
  }

  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, bool truncate) override {
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("stat", path, err);
    }
    return std::unique_ptr<WritableFile>(
        std::make_unique<RealWritableFile>(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) return ErrnoStatus("list", dir, ec.value());
    std::sort(names.begin(), names.end());
    return names;
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    stdfs::create_directories(dir, ec);
    if (ec) return ErrnoStatus("mkdir", dir, ec.value());
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("remove", path, errno);
    return Status::Ok();
  }

  Status RemoveAll(const std::string& path) override {
    std::error_code ec;
    stdfs::remove_all(path, ec);
    if (ec) return ErrnoStatus("remove", path, ec.value());
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("rename", from, errno);
    return Status::Ok();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) return ErrnoStatus("truncate", path, errno);
    return Status::Ok();
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  bool Exists(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
};

// In-memory files shared between the file system and its open handles.
struct MemState {
  std::mutex mu;
  std::map<std::string, std::string> files;  // GUARDED_BY(mu)
  std::set<std::string> dirs;                // GUARDED_BY(mu)
};

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::shared_ptr<MemState> state, std::string path)
      : state_(std::move(state)), path_(std::move(path)) {}

  Status Append(std::string_view data) override {
    std::lock_guard lock(state_->mu);
    auto it = state_->files.find(path_);
    if (it == state_->files.end()) return Status::NotFound("write " + path_ + ": file was removed");
    it->second.append(data);
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  uint64_t Size() const override {
    std::lock_guard lock(state_->mu);
    auto it = state_->files.find(path_);
    return it == state_->files.end() ? 0 : it->second.size();
  }

 private:
  std::shared_ptr<MemState> state_;
  std::string path_;
};

class MemFileSystem final : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override {
    std::lock_guard lock(state_->mu);
    auto it = state_->files.find(path);
    if (it == state_->files.end()) return Status::NotFound("open " + path + ": no such file");
    return it->second;
  }

  Status WriteFileAtomically(const std::string& path, std::string_view data) override {
    std::lock_guard lock(state_->mu);
    state_->files[path] = std::string(data);
    return Status::Ok();
  }

  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, bool truncate) override {
    std::lock_guard lock(state_->mu);
    std::string& content = state_->files[path];
    if (truncate) content.clear();
    return std::unique_ptr<WritableFile>(std::make_unique<MemWritableFile>(state_, path));
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::lock_guard lock(state_->mu);
    std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    std::set<std::string> names;
    auto add = [&](const std::string& path) {
      if (path.compare(0, prefix.size(), prefix) != 0 || path.size() == prefix.size()) return;
      std::string rest = path.substr(prefix.size());
      names.insert(rest.substr(0, rest.find('/')));
    };
    for (const auto& [path, content] : state_->files) add(path);
    for (const auto& d : state_->dirs) add(d);
    if (names.empty() && !state_->dirs.count(dir))
      return Status::NotFound("list " + dir + ": no such directory");
    return std::vector<std::string>(names.begin(), names.end());
  }

  Status CreateDirs(const std::string& dir) override {
    std::lock_guard lock(state_->mu);
    state_->dirs.insert(dir);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    std::lock_guard lock(state_->mu);
    if (state_->files.erase(path) == 0) return Status::NotFound("remove " + path + ": no such file");
    return Status::Ok();
  }

  Status RemoveAll(const std::string& path) override {
    std::lock_guard lock(state_->mu);
    std::string prefix = path + "/";
    std::erase_if(state_->files,
                  [&](const auto& kv) { return kv.first == path || kv.first.starts_with(prefix); });
    std::erase_if(state_->dirs, [&](const auto& d) { return d == path || d.starts_with(prefix); });
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    std::lock_guard lock(state_->mu);
    auto it = state_->files.find(from);
    if (it == state_->files.end()) return Status::NotFound("rename " + from + ": no such file");
    std::string content = std::move(it->second);
    state_->files.erase(it);
    state_->files[to] = std::move(content);
    return Status::Ok();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    std::lock_guard lock(state_->mu);
    auto it = state_->files.find(path);
    if (it == state_->files.end()) return Status::NotFound("truncate " + path + ": no such file");
    it->second.resize(size);
    return Status::Ok();
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    std::lock_guard lock(state_->mu);
    auto it = state_->files.find(path);
    if (it == state_->files.end()) return Status::NotFound("stat " + path + ": no such file");
    return static_cast<uint64_t>(it->second.size());
  }

  bool Exists(const std::string& path) override {
    std::lock_guard lock(state_->mu);
    if (state_->files.count(path) > 0 || state_->dirs.count(path) > 0) return true;
    // A directory also exists implicitly while a file is under it.
    std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
    auto it = state_->files.lower_bound(prefix);
    return it != state_->files.end() && it->first.starts_with(prefix);
  }

 private:
  std::shared_ptr<MemState> state_ = std::make_shared<MemState>();
};

}  // namespace

FileSystem& FileSystem::Real() {
  static RealFileSystem fs;
  return fs;
}

std::unique_ptr<FileSystem> NewMemFileSystem() { return std::make_unique<MemFileSystem>(); }

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace ember
