// A server started for the run (an X server, a session bus), under a monitor of its own like a
// test (see process/tree.hpp): stopping it ends its whole process tree, bus-activated services
// included, and if the runner dies the tree goes with it.
#pragma once

#include "process/spawner.hpp"
#include "process/tree.hpp"
#include "util/expected.hpp"
#include "util/fd.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace ginsttest::session {

struct FixtureSpec {
  std::string label;             // "Xvfb", for messages
  process::SpawnRequest request; // its descriptors are filled in by start()
  std::filesystem::path log;     // the server's stdout and stderr go here
  std::chrono::seconds startup{30};
};

class Fixture {
public:
  // Starts the server and waits until it writes its first line on descriptor 3 (Xvfb
  // -displayfd 3, dbus-daemon --print-address=3: both write once they accept connections). Returns
  // that line in `ready_line`. The error says why it did not start, with the end of its log.
  static util::Expected<Fixture> start(process::Spawner& spawner, FixtureSpec spec,
                                       std::string& ready_line);

  Fixture(Fixture&&) noexcept = default;
  Fixture& operator=(Fixture&&) = delete;
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
  ~Fixture() { stop(); }

  // Ends the server and everything it started, and waits for them.
  void stop();

private:
  Fixture(std::string label, process::Tree tree, util::Fd ready)
      : m_label(std::move(label)), m_tree(std::move(tree)), m_ready(std::move(ready)) {}
  std::string m_label;
  std::optional<process::Tree> m_tree;
  util::Fd m_ready; // kept open: the server may write to it again
};

} // namespace ginsttest::session
