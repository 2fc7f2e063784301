// What a test with a private /tmp (DESIGN.md section 6) still sees of the host's /tmp: the X
// servers' sockets, and the places there that the test names. Tests are installed under /tmp
// too (a `meson install --destdir /tmp/…`, a CI or jhbuild prefix), and a bus may listen on a
// socket there; hiding those would break the test, not isolate it. Files the test names are
// another matter: those are mostly what it writes (/tmp/result.xml), and sharing them would
// bring back the collisions a private /tmp prevents.
#pragma once

#include "core/test_spec.hpp"
#include "util/environment.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::session {

// Always shared: where X servers put their sockets.
inline constexpr std::string_view x11_socket_dir = ".X11-unix";

// The places a test gets a private copy of.
inline constexpr std::string_view tmp_place = "/tmp";
inline constexpr std::string_view var_tmp_place = "/var/tmp";

// The entries of `place` ("/tmp", "/var/tmp") that `text` names, as tmp_entries_named() finds
// those of /tmp.
std::vector<std::string> entries_named(std::string_view text, std::string_view place);

// What shared_tmp_entries() keeps of /tmp, for `place`, whose entries are found at `host`;
// the X socket directory only for /tmp.
std::vector<std::string> shared_entries(const core::TestSpec& spec, const std::string& program,
                                        const util::EnvList& env, std::string_view place,
                                        const std::filesystem::path& host);

// The entries of /tmp that `text` names: NAME for each "/tmp/NAME" at the start of `text`, after
// a space, a quote or one of "=:,;" (a command line, a path list, a D-Bus address), or after
// "file://". At the start of `text`, NAME runs to the next '/', spaces included (one argument);
// elsewhere it also ends at a space, a quote or one of those. Once each, in the order found.
std::vector<std::string> tmp_entries_named(std::string_view text);

// The entries of the host's /tmp (`tmp`, given for tests) that a test keeps in its private
// one, sorted and once each:
// - the X socket directory;
// - the entries its installed-tests root, its .test file and the program it runs (also after
//   resolving symlinks) lie in, whatever they are;
// - the directories, sockets and symlinks its command line and environment name (but the
//   runner's TMPDIR, PWD and OLDPWD, which are not the test's; TestEnvironment's all count);
// - for each symlink kept, the entry of /tmp it points into, if any.
// Entries that do not exist are left out, but for the X socket directory.
std::vector<std::string> shared_tmp_entries(const core::TestSpec& spec, const std::string& program,
                                            const util::EnvList& env,
                                            const std::filesystem::path& tmp = "/tmp");

} // namespace ginsttest::session
