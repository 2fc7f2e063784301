// The dynamic loader's cache, /etc/ld.so.cache (written by ldconfig): which file each SONAME
// names, read directly (the format of glibc 2.32 and later, "glibc-ld.so.cache1.1").
#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ginsttest::impact {

class LdCache {
public:
  // An empty cache: nothing is found through it.
  LdCache() = default;
  // Reads the cache at `path` (the new format, alone or after the old one); an error names the
  // file and what is wrong with it. Only entries for glibc's ELF libraries are kept.
  static util::Expected<LdCache> load(const std::filesystem::path& path);

  // The files the cache gives for `soname`, in the cache's order (every architecture it has:
  // the caller checks which one fits).
  const std::vector<std::filesystem::path>& find(std::string_view soname) const;

private:
  std::unordered_map<std::string, std::vector<std::filesystem::path>> m_entries;
};

} // namespace ginsttest::impact
