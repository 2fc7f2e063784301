// Finds the .test files under each root.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ginsttest::discovery {

struct TestFile {
  std::string name;           // path relative to the root: "glib/timer.test"
  std::filesystem::path file; // full path
  std::filesystem::path root;
};

// Every *.test file under `roots` (recursing into subdirectories and following symlinks, each
// directory visited once), sorted by name. A name found under several roots is taken from the
// first. Directories that cannot be read are reported in `warnings` ("path: reason").
std::vector<TestFile> scan(const std::vector<std::filesystem::path>& roots,
                           std::vector<std::string>& warnings);

} // namespace ginsttest::discovery
