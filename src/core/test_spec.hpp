// One installed test as read from its .test file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ginsttest::core {

enum class TestType { session, session_exclusive };

struct TestSpec {
  std::string name;           // relative to its root: "glib/timer.test"
  std::filesystem::path file; // the .test file itself
  std::filesystem::path root; // the installed-tests directory it was found under
  std::vector<std::string> argv;
  TestType type = TestType::session;
  bool output_tap = false;
  std::string description;
  // TestEnvironment entries, added to (and overriding) the inherited environment.
  std::vector<std::pair<std::string, std::string>> environment;
  // Set when the file could not be read or understood: the test is reported as an ERROR with
  // this reason (which names the file) and never started.
  std::optional<std::string> load_error;
  // With --explain: why --affected-by or --changed-symbols selected it (not from the file).
  std::string selected_because;

  bool exclusive() const { return type == TestType::session_exclusive; }
};

} // namespace ginsttest::core
