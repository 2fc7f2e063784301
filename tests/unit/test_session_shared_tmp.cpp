#include "session/shared_tmp.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;
using Entries = std::vector<std::string>;

TEST_CASE("the entries of /tmp a text names") {
  using session::tmp_entries_named;
  CHECK(tmp_entries_named("/tmp/prefix/libexec/foo") == Entries{"prefix"});
  CHECK(tmp_entries_named("/tmp/socket") == Entries{"socket"});
  // An argument that is a path runs to the next '/', spaces and all.
  CHECK(tmp_entries_named("/tmp/a b/f") == Entries{"a b"});
  // In a command line, a path list, a variable, a D-Bus address, a URI; once each, in order.
  CHECK(tmp_entries_named("sh -c '/tmp/a/bin/x --data=/tmp/b/d \"/tmp/c\"'") ==
        Entries{"a", "b", "c"});
  CHECK(tmp_entries_named("PATH=/usr/bin:/tmp/jh/bin:/tmp/jh/sbin") == Entries{"jh"});
  CHECK(tmp_entries_named("unix:path=/tmp/dbus-1,guid=abc") == Entries{"dbus-1"});
  CHECK(tmp_entries_named("G_TEST_SRCDIR=/tmp/x;LD_LIBRARY_PATH=/tmp/y") == Entries{"x", "y"});
  CHECK(tmp_entries_named("gio cat file:///tmp/data/f") == Entries{"data"});
  // Not /tmp itself, nor another directory's tmp, nor "." or "..".
  CHECK(tmp_entries_named("/tmp").empty());
  CHECK(tmp_entries_named("/tmp/").empty());
  CHECK(tmp_entries_named("/var/tmp/x /home/me/tmp/y x/tmp/z").empty());
  CHECK(tmp_entries_named("/tmp/./a /tmp/../etc").empty());
}

TEST_CASE("what a test keeps of the host's /tmp") {
  // A stand-in for the host's /tmp.
  auto tmp_dir = util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  REQUIRE(tmp_dir);
  const auto tmp = tmp_dir->path();
  for (const char* dir : {"destdir", "srcdir", "jhbuild", "env-dir", "runner-tmp", "where-i-was",
                          "prefix-1.2", "out-dir"}) {
    fs::create_directory(tmp / dir);
  }
  std::ofstream{tmp / "result.xml"} << "stale";
  std::ofstream{tmp / "t.sh"} << "#!/bin/sh";
  fs::create_symlink("prefix-1.2", tmp / "prefix");
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, (tmp / "bus").c_str(), sizeof address.sun_path - 1);
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);

  core::TestSpec spec;
  spec.root = "/tmp/destdir/usr/share/installed-tests";
  spec.file = spec.root / "p/t.test";
  spec.argv = {"env",
               "G_TEST_SRCDIR=/tmp/srcdir",
               "/tmp/destdir/usr/libexec/p/t",
               "--out=/tmp/out-dir/r.xml",
               "--junit=/tmp/result.xml",
               "/tmp/prefix/bin/x",
               "/tmp/missing"};
  spec.environment = {{"TMPDIR", "/tmp/env-dir"}};
  const util::EnvList env{"LD_LIBRARY_PATH=/tmp/jhbuild/lib",
                          "DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/bus", "TMPDIR=/tmp/runner-tmp",
                          "PWD=/tmp/where-i-was", "HOME=/root"};
  // Places named anywhere, and a symlink's target; not a file the test names (it writes it),
  // nor what does not exist, nor the runner's TMPDIR and PWD; TestEnvironment's TMPDIR counts.
  CHECK(session::shared_tmp_entries(spec, "/tmp/destdir/usr/libexec/p/t", env, tmp) ==
        Entries{".X11-unix", "bus", "destdir", "env-dir", "jhbuild", "out-dir", "prefix",
                "prefix-1.2", "srcdir"});
  // The program itself is kept whatever it is.
  spec.root = "/usr/share/installed-tests";
  spec.file = spec.root / "p/t.test";
  spec.argv = {"/tmp/t.sh"};
  spec.environment.clear();
  CHECK(session::shared_tmp_entries(spec, "/tmp/t.sh", {}, tmp) == Entries{".X11-unix", "t.sh"});
  ::close(sock);
}

TEST_CASE("the entries of /var/tmp a text names, and not those of /tmp") {
  using session::entries_named;
  CHECK(entries_named("/var/tmp/scratch/tree/x.test", "/var/tmp") == Entries{"scratch"});
  CHECK(entries_named("sh -c 'cat /var/tmp/a/f /tmp/b/g'", "/var/tmp") == Entries{"a"});
  // /tmp's entries are found only at a path's start, never inside /var/tmp's.
  CHECK(entries_named("sh -c 'cat /var/tmp/a/f /tmp/b/g'", "/tmp") == Entries{"b"});
  CHECK(entries_named("PATH=/usr/bin:/var/tmp/jh/bin", "/var/tmp") == Entries{"jh"});
}
