#include "session/shared_tmp.hpp"

#include <doctest/doctest.h>

using namespace ginsttest;
using Entries = std::vector<std::string>;

TEST_CASE("the entries of /tmp a text names") {
  using session::tmp_entries_named;
  CHECK(tmp_entries_named("/tmp/prefix/libexec/foo") == Entries{"prefix"});
  CHECK(tmp_entries_named("/tmp/socket") == Entries{"socket"});
  // In a command line, a path list, a variable, a D-Bus address; once each, in order.
  CHECK(tmp_entries_named("sh -c '/tmp/a/bin/x --data=/tmp/b/d \"/tmp/c\"'") ==
        Entries{"a", "b", "c"});
  CHECK(tmp_entries_named("PATH=/usr/bin:/tmp/jh/bin:/tmp/jh/sbin") == Entries{"jh"});
  CHECK(tmp_entries_named("unix:path=/tmp/dbus-1,guid=abc") == Entries{"dbus-1"});
  CHECK(tmp_entries_named("G_TEST_SRCDIR=/tmp/x;LD_LIBRARY_PATH=/tmp/y") == Entries{"x", "y"});
  // Not /tmp itself, nor another directory's tmp, nor "." or "..".
  CHECK(tmp_entries_named("/tmp").empty());
  CHECK(tmp_entries_named("/tmp/").empty());
  CHECK(tmp_entries_named("/var/tmp/x /home/me/tmp/y x/tmp/z").empty());
  CHECK(tmp_entries_named("/tmp/./a /tmp/../etc").empty());
}

TEST_CASE("what a test keeps of the host's /tmp") {
  core::TestSpec spec;
  spec.root = "/tmp/destdir/usr/share/installed-tests";
  spec.file = spec.root / "p/t.test";
  spec.argv = {"env", "G_TEST_SRCDIR=/tmp/srcdir", "/tmp/destdir/usr/libexec/p/t"};
  const util::EnvList env{"LD_LIBRARY_PATH=/tmp/jhbuild/lib", "TMPDIR=/tmp/runner-tmp",
                          "PWD=/tmp/where-i-was", "OLDPWD=/tmp/before", "HOME=/root"};
  // The X sockets always; the root, command line and environment; never TMPDIR, PWD, OLDPWD.
  CHECK(session::shared_tmp_entries(spec, "/tmp/destdir/usr/libexec/p/t", env) ==
        Entries{".X11-unix", "destdir", "jhbuild", "srcdir"});
  spec.root = "/usr/share/installed-tests";
  spec.file = spec.root / "p/t.test";
  spec.argv = {"/usr/libexec/p/t"};
  CHECK(session::shared_tmp_entries(spec, "/usr/libexec/p/t", {}) == Entries{".X11-unix"});
}
