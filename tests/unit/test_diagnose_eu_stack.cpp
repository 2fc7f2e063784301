#include "diagnose/eu_stack.hpp"

#include <doctest/doctest.h>

using namespace ginsttest;

namespace {

// What eu-stack 0.188 printed for a live process with --module --source --inlines.
constexpr const char* live_output = R"(PID 10383 - process
TID 10383:
#0  0x00007fc4db333dd0 __libc_pause - /usr/lib/x86_64-linux-gnu/libc.so.6
    ../sysdeps/unix/sysv/linux/pause.c:29:10
#1  0x00005621c357218d parent_waits - /tmp/bt/tree
    /tmp/bt/tree.c:6:69
#2  0x00005621c35721d1 main - /tmp/bt/tree
    /tmp/bt/tree.c:11
#3  0x00005621c3572091 - /tmp/bt/tree
TID 10384:
#0  0x00007fc4db333dd0 std::vector<int, std::allocator<int> >::operator-() const - /usr/lib/libx.so
eu-stack: dwfl_thread_getframes tid 10384 at 0x55e126f75091 in /tmp/bt/tree: No DWARF information found
)";

} // namespace

TEST_CASE("eu-stack's output becomes processes, threads and frames") {
  const auto processes = diagnose::parse_eu_stack(live_output);
  REQUIRE(processes.size() == 1);
  const auto& process = processes[0];
  CHECK(process.pid == 10383);
  CHECK(process.error.empty()); // the unwinder stopping at the bottom is no error
  REQUIRE(process.threads.size() == 2);
  const auto& main_thread = process.threads[0];
  CHECK(main_thread.tid == 10383);
  REQUIRE(main_thread.frames.size() == 4);
  CHECK(main_thread.frames[0].address == 0x00007fc4db333dd0);
  CHECK(main_thread.frames[0].function == "__libc_pause");
  CHECK(main_thread.frames[0].module == "/usr/lib/x86_64-linux-gnu/libc.so.6");
  CHECK(main_thread.frames[0].file == "../sysdeps/unix/sysv/linux/pause.c");
  CHECK(main_thread.frames[0].line == 29);
  CHECK(main_thread.frames[1].function == "parent_waits");
  CHECK(main_thread.frames[2].file == "/tmp/bt/tree.c"); // no column
  CHECK(main_thread.frames[2].line == 11);
  CHECK(main_thread.frames[3].function.empty()); // no symbol
  CHECK(main_thread.frames[3].module == "/tmp/bt/tree");
  // A C++ name holds spaces and a '-': the module follows the last " - ".
  CHECK(process.threads[1].frames.at(0).function ==
        "std::vector<int, std::allocator<int> >::operator-() const");
  CHECK(process.threads[1].frames.at(0).module == "/usr/lib/libx.so");
  CHECK_FALSE(main_thread.frames_cut);
}

TEST_CASE("a process eu-stack cannot attach to is named with the reason") {
  SUBCASE("gone") {
    const auto processes = diagnose::parse_eu_stack(
        "eu-stack: dwfl_linux_proc_report pid 999999: No such file or directory\n", 999999);
    REQUIRE(processes.size() == 1);
    CHECK(processes[0].pid == 999999);
    CHECK(processes[0].threads.empty());
    CHECK(processes[0].error == "the process was gone");
  }
  SUBCASE("not traceable") {
    const auto processes = diagnose::parse_eu_stack(
        "eu-stack: dwfl_linux_proc_attach pid 1: Operation not permitted\n", 1);
    REQUIRE(processes.size() == 1);
    CHECK(processes[0].error.find("cannot be traced") != std::string::npos);
    CHECK(processes[0].error.find("Operation not permitted") != std::string::npos);
  }
  SUBCASE("nothing at all") {
    CHECK(diagnose::parse_eu_stack("", 5).empty());
  }
}

TEST_CASE("a thread at the frame limit is marked cut") {
  std::string output = "PID 7 - core\nTID 7:\n";
  for (unsigned i = 0; i < diagnose::max_frames; i++) {
    output += "#" + std::to_string(i) + "  0x0000000000001000 recurse - /bin/x\n";
  }
  const auto processes = diagnose::parse_eu_stack(output);
  REQUIRE(processes.size() == 1);
  CHECK(processes[0].threads.at(0).frames.size() == diagnose::max_frames);
  CHECK(processes[0].threads.at(0).frames_cut);
}

TEST_CASE("eu-stack runs without debuginfod and in the C locale") {
  const auto env = diagnose::tool_environment(
      {"PATH=/usr/bin", "DEBUGINFOD_URLS=https://debuginfod.debian.net", "LC_ALL=fr_FR.UTF-8"});
  CHECK(env == std::vector<std::string>{"PATH=/usr/bin", "LC_ALL=C"});
  const auto argv = diagnose::live_argv("/usr/bin/eu-stack", 42);
  CHECK(argv.front() == "/usr/bin/eu-stack");
  CHECK(argv.back() == "--pid=42");
  CHECK(diagnose::core_argv("/usr/bin/eu-stack", "/d/core.9").back() == "--core=/d/core.9");
}
