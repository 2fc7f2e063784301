// The stacks of a test's processes: captured live from a hung test before it is killed, or read
// from the core of a crashed one (see diagnose/).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::core {

struct Frame {
  std::uint64_t address = 0;
  std::string function; // "" when no symbol covers the address
  std::string file;     // source file, where debug information is installed; else ""
  unsigned line = 0;    // 0 when unknown
  std::string module;   // the ELF file the address lies in ("/usr/lib/.../libc.so.6")
};

struct ThreadStack {
  pid_t tid = 0;
  std::string name;     // /proc/PID/task/TID/comm, when it could be read
  bool crashed = false; // the thread that received the fatal signal (cores only)
  std::vector<Frame> frames;
  bool frames_cut = false; // the tool stopped at its frame limit
};

struct ProcessStacks {
  pid_t pid = 0;       // as the runner sees it
  std::string command; // its command line, cut to a readable length
  std::string error;   // why no stack (or only part of it) could be had; "" when none
  std::vector<ThreadStack> threads;
};

// Why the stacks were taken.
enum class BacktraceSource {
  timeout,   // the test reached its timeout: live stacks, taken before any signal was sent
  interrupt, // the run was interrupted (--backtraces=yes): live stacks, before the signal
  core,      // the test was killed by a fatal signal: from its core file
};
// "timeout", "interrupt" or "core", as the JSON report writes it.
std::string_view name(BacktraceSource source);

struct Backtrace {
  BacktraceSource source = BacktraceSource::timeout;
  std::vector<ProcessStacks> processes; // for a core: the one process that dumped it
  std::chrono::milliseconds took{};     // the time the capture took
  // The core the stacks were read from, where it is kept (--report-directory); nullopt once
  // removed, or for live stacks.
  std::optional<std::filesystem::path> core_file;
  std::uint64_t core_bytes = 0; // its size, kept or not
};

// The thread to show first: the crashed one, else the first thread of the first process that
// has one; nullptr when no stack was had.
const ThreadStack* first_thread(const Backtrace& backtrace);

// One frame as one line: "#1  parent_waits at tree.c:6 (/tmp/tree)", or with the address
// when no function is known: "#0  0x00007f0a2c3e9dd0 (/usr/lib/x86_64-linux-gnu/libc.so.6)".
std::string describe(const Frame& frame, std::size_t index);

// How much of a backtrace to_text() writes: the thread shown first (see first_thread) whole up
// to `frames` frames, then up to `other_threads` more threads of up to `other_frames` each.
struct TextLimits {
  std::size_t frames = 32;
  std::size_t other_threads = 16;
  std::size_t other_frames = 8;
};
inline constexpr TextLimits whole_text{~std::size_t{0}, ~std::size_t{0}, ~std::size_t{0}};

// The backtrace as text for people: a heading per process ("process 1234 (./hang): 2
// threads"), then per thread ("thread 1234 (hang), crashed:") its frames, each line indented;
// what was cut is counted ("... 5 more frames"). The one text the console, JUnit, tmt and the
// journal show.
std::string to_text(const Backtrace& backtrace, const TextLimits& limits = {});

} // namespace ginsttest::core
