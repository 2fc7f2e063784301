// What a test with a private /tmp (DESIGN.md section 6) still sees of the host's /tmp: the X
// servers' sockets, and whatever the test names there. Tests are installed under /tmp too (a
// `meson install --destdir /tmp/…`, a CI or jhbuild prefix), and a bus may listen on a socket
// there; hiding those would break the test, not isolate it.
#pragma once

#include "core/test_spec.hpp"
#include "util/environment.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::session {

// Always shared: where X servers put their sockets.
inline constexpr std::string_view x11_socket_dir = ".X11-unix";

// The entries of /tmp that `text` names: NAME for each "/tmp/NAME" at the start of `text` or
// after a space, a quote or one of "=:,;" (a command line, a path list, a D-Bus address), once
// each, in the order found.
std::vector<std::string> tmp_entries_named(std::string_view text);

// The entries of the host's /tmp a test keeps in its private one: the X socket directory, and
// those named by its installed-tests root, its .test file, the program it runs (also after
// resolving symlinks), its command line and its environment (but TMPDIR, PWD and OLDPWD, which
// are not the test's). Sorted, without repeats; they may not exist.
std::vector<std::string> shared_tmp_entries(const core::TestSpec& spec, const std::string& program,
                                            const util::EnvList& env);

} // namespace ginsttest::session
