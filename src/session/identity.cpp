#include "session/identity.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

namespace ginsttest::session {

util::Expected<Identity> lookup_user(const std::string& name) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  int err;
  while ((err = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
         ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (err != 0) {
    return util::unexpected(fmt::format("cannot look up user {}: {}", name, util::errno_text(err)));
  }
  if (!found) {
    return util::unexpected(fmt::format("no user named {} on this system", name));
  }
  return Identity{name, process::Credentials{entry.pw_uid, entry.pw_gid}};
}

bool may_change(const std::filesystem::path& dir, const Identity& user) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return false;
  }
  // Write and search: what adding, removing or renaming an entry takes.
  return (util::access_bits(st, user.credentials.uid, user.credentials.gid) & 3) == 3;
}

} // namespace ginsttest::session
