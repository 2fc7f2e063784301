// Finds the .test files under each root.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ginsttest::discovery {

// One .test file, kept small: a run may hold tens of thousands of them.
struct TestFile {
  std::string name;       // path relative to its root: "glib/timer.test"
  std::uint32_t root = 0; // index into Catalog::roots
};

// A test file with its paths spelled out, for loading it.
struct TestLocation {
  std::string name;
  std::filesystem::path file;
  std::filesystem::path root;
};

struct Catalog {
  std::vector<std::filesystem::path> roots;
  std::vector<TestFile> files; // sorted by name, each name once

  TestLocation locate(const TestFile& file) const {
    return {file.name, roots.at(file.root) / file.name, roots.at(file.root)};
  }
};

// Every *.test file under `roots` (recursing into subdirectories and following symlinks, each
// directory visited once), sorted by name. A name found under several roots is taken from the
// first. Directories that cannot be read are reported in `warnings` ("path: reason").
Catalog scan(std::vector<std::filesystem::path> roots, std::vector<std::string>& warnings);

} // namespace ginsttest::discovery
