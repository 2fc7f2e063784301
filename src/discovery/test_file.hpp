// Reads one .test keyfile into a TestSpec.
#pragma once

#include "core/test_spec.hpp"
#include "discovery/scan.hpp"

#include <string_view>

namespace ginsttest::discovery {

// Parses the text of a .test file found as `file`. Never fails: a file that cannot be used comes
// back with `load_error` set to "FILE: reason" (not a keyfile, no [Test] group, missing or empty
// Exec, bad quoting in Exec, missing or unknown Type, TestEnvironment entry without '=').
core::TestSpec parse_test_file(const TestLocation& file, std::string_view contents);

// Reads `file` from disk and parses it; an unreadable file gets a load_error too.
core::TestSpec load_test_file(const TestLocation& file);

} // namespace ginsttest::discovery
