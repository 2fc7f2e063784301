// Per-test temporary directories: made with mkdtemp, stamped, removed without following symlinks.
#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <string_view>

namespace ginsttest::util {

// The empty file that marks a directory as one of ours, safe to remove.
inline constexpr std::string_view stamp_name = ".testtmp";

// Removes `dir` and everything under it. Symlinks are removed, never followed; directories the
// test made unreadable are made readable first. The error names the path and the reason.
Status remove_tree(const std::filesystem::path& dir);

// A directory made by mkdtemp under `base`, holding the stamp file. Removed on destruction
// unless released.
class TempDir {
public:
  // Makes BASE/PREFIX-XXXXXX with mode 0700 and an empty stamp file in it.
  static Expected<TempDir> create(const std::filesystem::path& base, std::string_view prefix);

  TempDir() = default;
  TempDir(TempDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return m_path; }

  // Removes the tree, but only while the stamp is still there (the test may have replaced the
  // directory with something that is not ours). Afterwards the object holds nothing.
  Status remove();

  // Keeps the directory on disk; the caller now owns it.
  std::filesystem::path release() { return std::exchange(m_path, {}); }

private:
  explicit TempDir(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

} // namespace ginsttest::util
