#include "ember/base/file_system.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

namespace ember {
namespace {

// Runs the same contract against the real and the in-memory file systems.
void CheckContract(FileSystem& fs, const std::string& root) {
  REQUIRE(fs.CreateDirs(JoinPath(root, "a/b")).ok());
  std::string path = JoinPath(root, "a/b/file");
  CHECK(fs.ReadFile(path).status().code() == StatusCode::kNotFound);
  REQUIRE(fs.WriteFileAtomically(path, "hello").ok());
  CHECK(fs.ReadFile(path).value() == "hello");
  {
    auto f = fs.OpenForAppend(path, false);
    REQUIRE(f.ok());
    REQUIRE((*f)->Append(" world").ok());
    REQUIRE((*f)->Sync().ok());
    CHECK((*f)->Size() == 11);
    REQUIRE((*f)->Close().ok());
  }
  CHECK(fs.ReadFile(path).value() == "hello world");
  CHECK(fs.FileSize(path).value() == 11);
  REQUIRE(fs.Truncate(path, 5).ok());
  CHECK(fs.ReadFile(path).value() == "hello");
  REQUIRE(fs.Rename(path, JoinPath(root, "a/b/moved")).ok());
  CHECK_FALSE(fs.Exists(path));
  CHECK(fs.ListDir(JoinPath(root, "a/b")).value() == std::vector<std::string>{"moved"});
  REQUIRE(fs.RemoveAll(JoinPath(root, "a")).ok());
  CHECK_FALSE(fs.Exists(JoinPath(root, "a/b/moved")));
}

TEST_CASE("Real file system keeps the contract") {
  std::string tmpl = (std::filesystem::temp_directory_path() / "ember-fs-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  CheckContract(FileSystem::Real(), tmpl);
  std::filesystem::remove_all(tmpl);
}

TEST_CASE("In-memory file system keeps the contract") {
  auto fs = NewMemFileSystem();
  CheckContract(*fs, "/data");
}

TEST_CASE("In-memory directories exist while a file is under them") {
  auto fs = NewMemFileSystem();
  REQUIRE(fs->WriteFileAtomically("wal/00000001", "x").ok());
  CHECK(fs->Exists("wal"));
  CHECK(fs->Exists("wal/"));
  CHECK_FALSE(fs->Exists("wa"));
  CHECK(fs->ListDir("wal").value() == std::vector<std::string>{"00000001"});
}

}  // namespace
}  // namespace ember
