// Checks made as the test user, in a child process that has taken that identity: can it reach
// the host's display and session bus, and which paths of its environment is it denied? Asking
// as root would answer for root.
#pragma once

#include "process/spawner.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ginsttest::session {

struct ProbeRequest {
  std::optional<process::Credentials> as; // unset: the runner's own identity
  std::string display;                    // an X display name to connect to; "" to skip
  std::string xauthority;                 // the XAUTHORITY the client uses; "" for the default
  std::string wayland_socket;             // the path of a Wayland socket; "" to skip
  std::string bus_address;                // a D-Bus address to connect to; "" to skip
  std::vector<std::string> paths;         // absolute paths to test for EACCES
};

struct ProbeResult {
  bool display = false;            // an X connection was set up (authorised)
  bool wayland = false;            // the socket accepted a connection
  bool bus = false;                // the bus authenticated us and answered Hello
  std::vector<std::string> denied; // the paths the user may not reach
  bool finished = false; // false: a check hung and was cut short (the rest count as failed)
};

// Runs the checks; gives up on anything that hangs after `timeout_seconds`. The runner must
// still be single-threaded: the child uses GLib and libxcb after fork() without exec().
util::Expected<ProbeResult> probe(const ProbeRequest& request, unsigned timeout_seconds = 10);

} // namespace ginsttest::session
