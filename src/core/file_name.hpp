// How a test's name becomes the name of a file or directory of its own: its -L log, its kept
// --report-directory directory, the prefix of its temporary directory.
//
// '/' becomes '_', as gnome-desktop-testing-runner names log files, so that the usual names stay
// the same ("glib/timer.test" -> "glib_timer.test"). That alone is not one-to-one ("a/b.test"
// and "a_b.test" would share a log and overwrite each other's), so '_' and the escape character
// are percent-encoded as in URIs: '_' is "%5F" and '%' is "%25" ("a_b.test" -> "a%5Fb.test").
// A name whose result would be "." or ".." has its dots encoded ("%2E") too. Nothing else is
// changed: the name stays readable, and test names hold no NUL.
//
// A result longer than a file name may be is cut (never inside an escape or a UTF-8 character)
// and ends in "%~" and the first 16 hex digits of the SHA-256 of the whole test name (what
// `printf %s NAME | sha256sum` prints). "%~" is no escape, so such a name stands apart from
// every uncut one; its test cannot be read back from it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ginsttest::core {

// The longest file name (NAME_MAX on Linux), in bytes.
constexpr std::size_t max_file_name = 255;

// The file name standing for test `name` ("glib/a_b.test" -> "glib_a%5Fb.test"), at most
// `max_bytes` long (at least 32): the caller keeps room for what it adds, such as ".txt".
std::string test_file_name(std::string_view name, std::size_t max_bytes = max_file_name);

// The file name standing for run `run` of test `name` (--retry, --repeat): test_file_name for
// the first run, then with "@2", "@3"... added ("glib_timer.test@2"). Test names end in
// ".test", so no other test's file name is one of these.
std::string test_run_file_name(std::string_view name, unsigned run,
                               std::size_t max_bytes = max_file_name);

// The test name `file_name` stands for (without what the caller added, such as ".txt"): the
// inverse of test_file_name. Nullopt for a name cut to length (the hash cannot be undone), and
// for one test_file_name cannot have made.
std::optional<std::string> test_name_of_file(std::string_view file_name);

} // namespace ginsttest::core
