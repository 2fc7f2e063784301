// The user tests run as when the runner is started as root.
#pragma once

#include "process/spawner.hpp"
#include "util/expected.hpp"

#include <string>

namespace ginsttest::session {

struct Identity {
  std::string name;
  process::Credentials credentials;
};

// Looks `name` up in the user database (getpwnam). The error names the user and the reason.
util::Expected<Identity> lookup_user(const std::string& name);

} // namespace ginsttest::session
