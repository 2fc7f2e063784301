#include "core/backtrace.hpp"

#include <fmt/format.h>

namespace ginsttest::core {

std::string_view name(BacktraceSource source) {
  switch (source) {
  case BacktraceSource::timeout:
    return "timeout";
  case BacktraceSource::interrupt:
    return "interrupt";
  case BacktraceSource::core:
    return "core";
  }
  return "timeout";
}

const ThreadStack* first_thread(const Backtrace& backtrace) {
  const ThreadStack* first = nullptr;
  for (const auto& process : backtrace.processes) {
    for (const auto& thread : process.threads) {
      if (thread.crashed) {
        return &thread;
      }
      if (!first) {
        first = &thread;
      }
    }
  }
  return first;
}

namespace {

// A name from a test's files on one line: a line break would pass for another frame.
std::string one_line(std::string text) {
  for (char& c : text) {
    c = c == '\n' || c == '\r' ? ' ' : c;
  }
  return text;
}

} // namespace

std::string describe(const Frame& frame, std::size_t index) {
  std::string line = fmt::format("#{:<2} ", index);
  if (frame.function.empty()) {
    line += fmt::format("{:#018x}", frame.address);
  } else {
    line += one_line(frame.function);
  }
  if (!frame.file.empty()) {
    line += fmt::format(" at {}", one_line(frame.file));
    if (frame.line != 0) {
      line += fmt::format(":{}", frame.line);
    }
  }
  if (!frame.module.empty()) {
    line += fmt::format(" ({})", one_line(frame.module));
  }
  return line;
}

namespace {

void append_thread(std::string& out, const ThreadStack& thread, std::size_t max_frames) {
  out += fmt::format("  thread {}", thread.tid);
  if (!thread.name.empty()) {
    out += fmt::format(" ({})", thread.name);
  }
  out += thread.crashed ? ", crashed:\n" : ":\n";
  const std::size_t shown = std::min(max_frames, thread.frames.size());
  for (std::size_t i = 0; i < shown; i++) {
    out += fmt::format("    {}\n", describe(thread.frames[i], i));
  }
  if (shown < thread.frames.size()) {
    const auto cut = thread.frames.size() - shown;
    out += fmt::format("    ... {} more frame{}\n", cut, cut == 1 ? "" : "s");
  } else if (thread.frames_cut) {
    out += "    ... (the frames stop at the tool's limit)\n";
  }
}

bool holds(const ProcessStacks& process, const ThreadStack* thread) {
  return thread && !process.threads.empty() && thread >= process.threads.data() &&
         thread < process.threads.data() + process.threads.size();
}

void append_process_heading(std::string& out, const ProcessStacks& process) {
  out += fmt::format("process {}", process.pid);
  if (!process.command.empty()) {
    out += fmt::format(" ({})", process.command);
  }
  if (process.threads.empty()) {
    out += fmt::format(": no stack: {}\n", process.error.empty() ? "none found" : process.error);
    return;
  }
  out += fmt::format(": {} thread{}\n", process.threads.size(),
                     process.threads.size() == 1 ? "" : "s");
  if (!process.error.empty()) {
    out += fmt::format("  (incomplete: {})\n", process.error);
  }
}

} // namespace

std::string to_text(const Backtrace& backtrace, const TextLimits& limits) {
  std::string out;
  const ThreadStack* first = first_thread(backtrace);
  std::size_t others_shown = 0;
  std::size_t others_cut = 0;
  // The process holding the first thread comes first, that thread at its head.
  std::vector<const ProcessStacks*> order;
  for (const auto& process : backtrace.processes) {
    if (holds(process, first)) {
      order.insert(order.begin(), &process);
    } else {
      order.push_back(&process);
    }
  }
  for (const ProcessStacks* process : order) {
    append_process_heading(out, *process);
    if (holds(*process, first)) {
      append_thread(out, *first, limits.frames);
    }
    for (const auto& thread : process->threads) {
      if (&thread == first) {
        continue;
      }
      if (others_shown < limits.other_threads) {
        append_thread(out, thread, limits.other_frames);
        others_shown++;
      } else {
        others_cut++;
      }
    }
  }
  if (others_cut > 0) {
    out += fmt::format("... {} more thread{} (the whole backtrace is in the JSON report)\n",
                       others_cut, others_cut == 1 ? "" : "s");
  }
  return out;
}

} // namespace ginsttest::core
