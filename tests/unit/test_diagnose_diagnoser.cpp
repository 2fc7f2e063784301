#include "diagnose/diagnoser.hpp"

#include <doctest/doctest.h>
#include <signal.h>

using namespace ginsttest;

namespace {

constexpr int segfault_with_core = SIGSEGV | 0x80;

diagnose::Diagnoser make(core::StatusMode mode, diagnose::CoreSetup cores) {
  diagnose::DiagnoseOptions options;
  options.backtraces = mode;
  return diagnose::Diagnoser{options, std::filesystem::path{"/usr/bin/eu-stack"}, std::nullopt,
                             std::move(cores)};
}

} // namespace

TEST_CASE("why a crash has no backtrace is said once per run") {
  auto diagnoser = make(core::StatusMode::automatic,
                        diagnose::core_setup("|/usr/share/apport/apport %p", false, ~0ULL));
  CHECK_FALSE(diagnoser.core_limit()); // cores go to apport: the test's limit is left alone
  const auto started = std::chrono::system_clock::now();
  const auto first = diagnoser.after_crash(segfault_with_core, "/nonexistent", "/bin/x", started);
  CHECK_FALSE(first.capture);
  CHECK(first.note.find("/usr/share/apport/apport") != std::string::npos);
  const auto second = diagnoser.after_crash(segfault_with_core, "/nonexistent", "/bin/x", started);
  CHECK_FALSE(second.capture);
  CHECK(second.note.empty());
}

TEST_CASE("which captures a run makes, by --backtraces") {
  const auto file_cores = diagnose::core_setup("core", false, ~0ULL);
  SUBCASE("auto: timeouts and crashes, not interruptions") {
    auto diagnoser = make(core::StatusMode::automatic, file_cores);
    CHECK(diagnoser.enabled());
    CHECK_FALSE(diagnoser.on_interrupt());
    CHECK(diagnoser.core_limit() == ~std::uint64_t{0});
  }
  SUBCASE("yes: interruptions too") {
    CHECK(make(core::StatusMode::yes, file_cores).on_interrupt());
  }
  SUBCASE("no: nothing, and the core limit as inherited") {
    auto diagnoser = make(core::StatusMode::no, file_cores);
    CHECK_FALSE(diagnoser.enabled());
    CHECK_FALSE(diagnoser.core_limit());
    CHECK_FALSE(diagnoser.stacks(1, core::BacktraceSource::timeout));
    CHECK(diagnoser.after_crash(segfault_with_core, "/nonexistent", "/bin/x", {}).note.empty());
  }
  SUBCASE("a test that exited or was stopped did not crash") {
    auto diagnoser = make(core::StatusMode::automatic, file_cores);
    const auto stopped = diagnoser.after_crash(SIGTERM, "/nonexistent", "/bin/x", {});
    CHECK_FALSE(stopped.capture);
    CHECK(stopped.note.empty());
  }
  SUBCASE("systemd-coredump without coredumpctl says so") {
    auto diagnoser = make(core::StatusMode::automatic,
                          diagnose::core_setup("|/lib/systemd/systemd-coredump %P", false, ~0ULL));
    CHECK_FALSE(diagnoser.core_limit());
    CHECK(diagnoser.after_crash(segfault_with_core, "/nonexistent", "/bin/x", {})
              .note.find("coredumpctl is not installed") != std::string::npos);
  }
}
