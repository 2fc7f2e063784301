// Stacks by elfutils' eu-stack, from a live process or a core file. eu-stack was chosen over gdb
// by measuring both (bench/backtrace.sh): on a tree of 10 processes it takes a quarter of gdb's
// time one process after the other, and it holds no state between processes, so several run at
// once; it needs no command script, and a killed eu-stack leaves its processes running.
#pragma once

#include "core/backtrace.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::diagnose {

// At most this many frames per thread: a deep recursion would otherwise fill every report.
inline constexpr unsigned max_frames = 64;

// eu-stack's command line for the stacks of every thread of live process `pid`, with modules,
// source lines and inlined functions.
std::vector<std::string> live_argv(const std::filesystem::path& tool, pid_t pid);
// ... and for the stacks in the core file `core`.
std::vector<std::string> core_argv(const std::filesystem::path& tool,
                                   const std::filesystem::path& core);

// The environment eu-stack runs with: `base` without DEBUGINFOD_URLS (a capture does not wait
// on the network) and with LC_ALL=C (its messages are parsed).
std::vector<std::string> tool_environment(const std::vector<std::string>& base);

// Parses what eu-stack wrote (stdout and stderr in one stream): one entry per "PID" heading, its
// threads and frames. Its error lines ("eu-stack: ...") become the error of the process they
// follow, or of a process `pid` when none came (0: none). An unwinder giving up at the bottom of
// a stack that has frames is normal and not kept as an error.
std::vector<core::ProcessStacks> parse_eu_stack(std::string_view output, pid_t pid = 0);

} // namespace ginsttest::diagnose
