// The user tests run as when the runner is started as root.
#pragma once

#include "process/spawner.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <string>

namespace ginsttest::session {

struct Identity {
  std::string name;
  process::Credentials credentials;
};

// Looks `name` up in the user database (getpwnam). The error names the user and the reason.
util::Expected<Identity> lookup_user(const std::string& name);

// Whether `user` may add, remove or rename entries in the directory `dir` (by its mode bits;
// ACLs are not read). False when it cannot be looked at.
bool may_change(const std::filesystem::path& dir, const Identity& user);

} // namespace ginsttest::session
