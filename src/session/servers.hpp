// Servers for tests: what the runner sees of the session when a test gets a display and bus of
// its own (session-exclusive tests with --exclusive-session=fresh).
#pragma once

#include "session/fixture.hpp"
#include "util/expected.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ginsttest::session {

// Environment settings that point tests at a display and a bus.
using Overrides = std::vector<std::pair<std::string, std::string>>;

// The servers started for the run, or for one session-exclusive test; they stop when this is
// destroyed.
struct Servers {
  std::optional<Fixture> display;
  std::optional<Fixture> bus;
  Overrides overrides; // on top of the session's environment
};

// Starts a display and bus for one test. Session is the real one.
class ServerSource {
public:
  virtual util::Expected<std::unique_ptr<Servers>> start_fresh_servers() = 0;

protected:
  ~ServerSource() = default;
};

} // namespace ginsttest::session
