// Reads one .test keyfile into a TestSpec.
#pragma once

#include "core/test_spec.hpp"
#include "discovery/scan.hpp"

#include <cstddef>
#include <string_view>

namespace ginsttest::discovery {

// The largest .test file read (real ones are a few hundred bytes).
inline constexpr std::size_t max_test_file_bytes = 1024 * 1024;

// Parses the text of a .test file found as `file`. Never fails: a file that cannot be used comes
// back with `load_error` set to "FILE: reason" (not a keyfile, no [Test] group, missing or empty
// Exec, bad quoting in Exec, missing or unknown Type, TestEnvironment entry without '=').
core::TestSpec parse_test_file(const TestLocation& file, std::string_view contents);

// Reads `file` from disk and parses it. A file that cannot be read gets a load_error too: so
// does anything but a regular file (a FIFO is not opened for long enough to block), and a file
// larger than max_test_file_bytes, which is not read.
core::TestSpec load_test_file(const TestLocation& file);

} // namespace ginsttest::discovery
