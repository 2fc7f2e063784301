#include "session/hygiene.hpp"
#include "session/identity.hpp"
#include "session/probe.hpp"
#include "session/xauth.hpp"
#include "util/fd.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>

using namespace ginsttest;

TEST_CASE("the paths an environment names") {
  const util::EnvList env{"PATH=/root/.cargo/bin:/usr/bin::bin-relative:/usr/bin",
                          "PYENV_ROOT=/root/.pyenv", "DISPLAY=:0",
                          "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/bus", "EMPTY="};
  CHECK(session::paths_in(env) ==
        std::vector<std::string>{"/root/.cargo/bin", "/root/.pyenv", "/usr/bin"});
}

TEST_CASE("denied paths leave the environment; variables with none left go") {
  const util::EnvList env{"PATH=/root/.cargo/bin:/usr/bin::/bin", "PYENV_ROOT=/root/.pyenv",
                          "CARGO_HOME=/root/.cargo:/root/x", "SHELL=/bin/sh", "LANG=C.UTF-8"};
  std::vector<std::string> removed;
  const auto cleaned = session::without_denied_paths(
      env, [](std::string_view path) { return path.starts_with("/root"); }, removed);
  // Empty entries (the current directory) are the user's choice and stay.
  CHECK(cleaned == util::EnvList{"PATH=/usr/bin::/bin", "SHELL=/bin/sh", "LANG=C.UTF-8"});
  CHECK(removed == std::vector<std::string>{"PATH: /root/.cargo/bin", "PYENV_ROOT: /root/.pyenv",
                                            "CARGO_HOME: /root/.cargo", "CARGO_HOME: /root/x"});
}

TEST_CASE("an X authority entry for any display: FamilyWild, MIT-MAGIC-COOKIE-1") {
  session::Cookie cookie{};
  for (std::size_t i = 0; i < cookie.size(); i++) {
    cookie[i] = static_cast<unsigned char>(0xa0 + i);
  }
  const auto entry = session::xauthority_entry(cookie);
  // family (2, big-endian), address (2+0), number (2+0), name (2+18), data (2+16)
  REQUIRE(entry.size() == 44);
  CHECK(entry.substr(0, 8) == std::string("\xff\xff\0\0\0\0\0\x12", 8));
  CHECK(entry.substr(8, 18) == "MIT-MAGIC-COOKIE-1");
  CHECK(entry.substr(26, 2) == std::string("\0\x10", 2));
  CHECK(static_cast<unsigned char>(entry[28]) == 0xa0);
  CHECK(static_cast<unsigned char>(entry[43]) == 0xaf);

  auto a = session::random_cookie();
  auto b = session::random_cookie();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a != *b);
}

TEST_CASE("users are looked up by name") {
  auto root = session::lookup_user("root");
  REQUIRE(root);
  CHECK(root->credentials.uid == 0);
  auto missing = session::lookup_user("no-such-user-for-ginsttest");
  REQUIRE(!missing);
  CHECK(missing.error().what == "no user named no-such-user-for-ginsttest on this system");
}

TEST_CASE("the probe answers as the test user") {
  if (::geteuid() != 0) {
    MESSAGE("needs root to take another identity");
    return;
  }
  auto nobody = session::lookup_user("nobody");
  REQUIRE(nobody);
  auto dir = util::TempDir::create("/var/tmp", "probe-test");
  REQUIRE(dir);
  const auto closed = (dir->path() / "closed").string();
  const auto open = (dir->path() / "open").string();
  REQUIRE(::chmod(dir->path().c_str(), 0755) == 0);
  REQUIRE(::mkdir(closed.c_str(), 0700) == 0);
  REQUIRE(::mkdir(open.c_str(), 0755) == 0);

  session::ProbeRequest request;
  request.as = nobody->credentials;
  request.paths = {closed, closed + "/bin", open, open + "/missing"};
  request.display = ":65000";                            // no such server
  request.bus_address = "unix:path=" + open + "/no-bus"; // no such socket
  auto result = session::probe(request);
  REQUIRE(result);
  // Denied: what sits behind a directory it may not enter; a missing path is only missing.
  CHECK(std::set<std::string>(result->denied.begin(), result->denied.end()) ==
        std::set<std::string>{closed, closed + "/bin"});
  CHECK(!result->display);
  CHECK(!result->bus);

  // As root, nothing is denied.
  request.as.reset();
  result = session::probe(request);
  REQUIRE(result);
  CHECK(result->denied.empty());
}

TEST_CASE("a display that never answers cuts the probe short") {
  // A listening socket that accepts nothing: the X connection waits for a reply forever.
  ::mkdir("/tmp/.X11-unix", 01777);
  const std::string path = "/tmp/.X11-unix/X64999";
  ::unlink(path.c_str());
  util::Fd sock{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (!sock ||
      ::bind(sock.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(sock.get(), 4) != 0) {
    MESSAGE("cannot listen on " << path);
    return;
  }
  session::ProbeRequest request;
  request.display = ":64999";
  auto result = session::probe(request, 1);
  ::unlink(path.c_str());
  REQUIRE(result);
  CHECK(!result->finished);
  CHECK(!result->display);

  request.display.clear();
  result = session::probe(request, 1);
  REQUIRE(result);
  CHECK(result->finished);
}
