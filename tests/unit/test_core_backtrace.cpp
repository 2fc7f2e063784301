#include "core/backtrace.hpp"

#include "report_results.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ginsttest;
using core::Frame;

namespace {

core::ThreadStack thread_of(pid_t tid, std::size_t frames, bool crashed = false) {
  core::ThreadStack thread;
  thread.tid = tid;
  thread.crashed = crashed;
  for (std::size_t i = 0; i < frames; i++) {
    thread.frames.push_back(Frame{0x1000 + i, "f" + std::to_string(i), "", 0, ""});
  }
  return thread;
}

core::ProcessStacks process_of(pid_t pid, std::vector<core::ThreadStack> threads) {
  core::ProcessStacks process;
  process.pid = pid;
  process.threads = std::move(threads);
  return process;
}

} // namespace

TEST_CASE("a line break in a name from the test's files does not make another frame") {
  core::Frame frame;
  frame.function = "evil\n#1  forged";
  frame.file = "a\rb.c";
  frame.line = 3;
  CHECK(core::describe(frame, 0) == "#0  evil #1  forged at a b.c:3");
}

TEST_CASE("backtrace: a frame is one line, with what is known of it") {
  CHECK(core::describe(Frame{0x401000, "parent_waits", "tree.c", 6, "/tmp/tree"}, 1) ==
        "#1  parent_waits at tree.c:6 (/tmp/tree)");
  // No function: the address, zero-padded to 64 bits.
  CHECK(core::describe(Frame{0x7f0a2c3e9dd0, "", "", 0, "/lib/libc.so.6"}, 0) ==
        "#0  0x00007f0a2c3e9dd0 (/lib/libc.so.6)");
  // A file without a line, no module; the index padded to two digits.
  CHECK(core::describe(Frame{0x1, "g", "g.c", 0, ""}, 12) == "#12 g at g.c");
  CHECK(core::describe(Frame{0x1, "g", "", 9, ""}, 3) == "#3  g");
}

TEST_CASE("backtrace: the thread shown first is the crashed one, else the first there is") {
  auto backtrace = testing::crash_backtrace();
  // The crashed thread, though its process comes second.
  REQUIRE(core::first_thread(backtrace));
  CHECK(core::first_thread(backtrace)->tid == 4243);
  // Without a crashed thread: the first thread of the first process that has one.
  backtrace.processes[1].threads[1].crashed = false;
  backtrace.processes[0].threads.clear();
  REQUIRE(core::first_thread(backtrace));
  CHECK(core::first_thread(backtrace)->tid == 4242);
  backtrace.processes[1].threads.clear();
  CHECK(core::first_thread(backtrace) == nullptr);
  CHECK(core::first_thread(core::Backtrace{}) == nullptr);
}

TEST_CASE("backtrace: the text starts with the process holding the crashed thread, that thread "
          "first") {
  CHECK(core::to_text(testing::crash_backtrace()) ==
        "process 4242 (/usr/libexec/grp/crash): 2 threads\n"
        "  thread 4243 (worker), crashed:\n"
        "    #0  explode\x1b[2J at crash.c:7 (/grp/crash)\n"
        "    #1  0x00007f0a2c3e0abc (/lib/libc.so.6)\n"
        "    ... (the frames stop at the tool's limit)\n"
        "  thread 4242 (crash):\n"
        "    #0  wait_for_worker at crash.c:20 (/grp/crash)\n"
        "    #1  main at crash.c:30 (/grp/crash)\n"
        "process 4241 (/usr/libexec/grp/helper --serve): 1 thread\n"
        "  (incomplete: thread 4244 vanished)\n"
        "  thread 4241 (helper):\n"
        "    #0  poll (/lib/libc.so.6)\n");
}

TEST_CASE("backtrace: what the limits cut is counted") {
  core::Backtrace backtrace;
  backtrace.processes.push_back(process_of(10, {thread_of(10, 5), thread_of(11, 4)}));
  backtrace.processes.push_back(process_of(20, {thread_of(20, 1), thread_of(21, 1)}));
  const std::string text = core::to_text(backtrace, {3, 2, 2});
  CHECK(text == "process 10: 2 threads\n"
                "  thread 10:\n"
                "    #0  f0\n    #1  f1\n    #2  f2\n"
                "    ... 2 more frames\n"
                "  thread 11:\n"
                "    #0  f0\n    #1  f1\n"
                "    ... 2 more frames\n"
                "process 20: 2 threads\n"
                "  thread 20:\n"
                "    #0  f0\n"
                "... 1 more thread (the whole backtrace is in the JSON report)\n");
  // A thread the tool cut, within the limits: said so, with no count.
  backtrace.processes[1].threads[0].frames_cut = true;
  CHECK(core::to_text(backtrace, core::whole_text)
            .find("  thread 20:\n    #0  f0\n"
                  "    ... (the frames stop at the tool's "
                  "limit)\n") != std::string::npos);
  // With the whole text, nothing is cut.
  CHECK(core::to_text(backtrace, core::whole_text).find("more") == std::string::npos);
}

TEST_CASE("backtrace: a process without a stack says why") {
  core::Backtrace backtrace;
  auto traced = process_of(30, {});
  traced.command = "./hang";
  traced.error = "ptrace: Operation not permitted";
  backtrace.processes.push_back(traced);
  backtrace.processes.push_back(process_of(31, {}));
  CHECK(core::to_text(backtrace) ==
        "process 30 (./hang): no stack: ptrace: Operation not permitted\n"
        "process 31: no stack: none found\n");
  CHECK(core::to_text(core::Backtrace{}).empty());
}

TEST_CASE("backtrace: sources by their names") {
  CHECK(core::name(core::BacktraceSource::timeout) == "timeout");
  CHECK(core::name(core::BacktraceSource::interrupt) == "interrupt");
  CHECK(core::name(core::BacktraceSource::core) == "core");
}
