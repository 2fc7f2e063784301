#include "report/journal.hpp"

#include "report_results.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <string>
#include <vector>

using namespace ginsttest;

namespace {

using Message = std::map<std::string, std::string>;

// A Journal whose messages are kept, each as its fields by name, rather than sent.
struct FakeJournal {
  std::vector<Message> messages;
  report::Journal journal{std::string(32, 'a'), [this](const std::vector<std::string>& fields) {
                            Message& message = messages.emplace_back();
                            for (const auto& field : fields) {
                              const auto equals = field.find('=');
                              message[field.substr(0, equals)] = field.substr(equals + 1);
                            }
                            return util::Status{util::Ok{}};
                          }};
};

} // namespace

TEST_CASE("journal: a failed run that is run again has a message of its own; the result counts "
          "the runs") {
  FakeJournal fake;
  const auto spec = testing::spec_named("grp/flaky.test");
  fake.journal.run_started({1, 1, std::nullopt});
  fake.journal.test_started(spec);
  core::TestResult first;
  first.outcome = core::Outcome::fail;
  first.reason = "exited with status 1";
  first.exit_status = 1;
  first.runs = 1;
  first.log_file = "/logs/grp_flaky.test.txt";
  fake.journal.test_rerun(spec, first);
  // A run that passed and is run again (--repeat) sends nothing.
  core::TestResult passed;
  passed.outcome = core::Outcome::pass;
  passed.runs = 2;
  fake.journal.test_rerun(spec, passed);
  fake.journal.test_finished(spec, testing::flaky_result());
  core::RunSummary summary;
  summary.total = summary.passed = summary.flaky = 1;
  fake.journal.run_finished(summary);

  INFO(fmt::format("{}", fake.messages));
  REQUIRE(fake.messages.size() == 5); // run started, test started, run failed, result, summary
  const Message& rerun = fake.messages[2];
  CHECK(rerun.at("MESSAGE_ID") == report::message_id::test_run_failed);
  CHECK(rerun.at("MESSAGE") == "Run 1 of grp/flaky.test failed: exited with status 1; running it "
                               "again");
  CHECK(rerun.at("PRIORITY") == "4");
  CHECK(rerun.at("GDTR_TEST") == "grp/flaky.test");
  CHECK(rerun.at("GINSTTEST_TEST_RUN") == "1");
  CHECK(rerun.at("GINSTTEST_RUN_OUTCOME") == "FAIL");
  CHECK(rerun.at("GINSTTEST_REASON") == "exited with status 1");
  CHECK(rerun.at("GINSTTEST_EXIT_STATUS") == "1");
  CHECK(rerun.at("GINSTTEST_LOG") == "/logs/grp_flaky.test.txt");
  CHECK(rerun.count("GINSTTEST_OUTCOME") == 0); // the result message's field alone

  // FLAKY passed: gdtr's "passed" ID, at notice priority, with the counts.
  const Message& result = fake.messages[3];
  CHECK(result.at("MESSAGE_ID") == report::message_id::test_passed);
  CHECK(result.at("PRIORITY") == "5");
  CHECK(result.at("GINSTTEST_OUTCOME") == "FLAKY");
  CHECK(result.at("GINSTTEST_RUNS") == "2");
  CHECK(result.at("GINSTTEST_FAILED_RUNS") == "1");
  CHECK(result.at("GINSTTEST_LOG") == "/logs/grp_flaky.test@2.txt");

  const Message& complete = fake.messages[4];
  CHECK(complete.at("MESSAGE_ID") == report::message_id::run_complete);
  CHECK(complete.at("GINSTTEST_TESTS_PASSED") == "1");
  CHECK(complete.at("GINSTTEST_TESTS_FLAKY") == "1");
  CHECK(complete.at("PRIORITY") == "6");
  // With --repeat, a FLAKY test fails the run, and the summary is an error.
  summary.flaky_fails = true;
  fake.journal.run_finished(summary);
  CHECK(fake.messages.back().at("PRIORITY") == "3");
}

TEST_CASE("journal: a test failing every run is FAIL with its counts") {
  FakeJournal fake;
  const auto spec = testing::spec_named("grp/broken.test");
  fake.journal.test_finished(spec, testing::failed_every_run_result());
  REQUIRE(fake.messages.size() == 1);
  const Message& result = fake.messages[0];
  CHECK(result.at("MESSAGE_ID") == report::message_id::test_failed);
  CHECK(result.at("GINSTTEST_OUTCOME") == "FAIL");
  CHECK(result.at("GINSTTEST_RUNS") == "3");
  CHECK(result.at("GINSTTEST_FAILED_RUNS") == "3");
}

TEST_CASE("journal: the result message has the backtrace, whole but for a cut at 64 KiB, with "
          "its control characters escaped") {
  FakeJournal fake;
  const auto spec = testing::spec_named("grp/crash.test");
  auto crashed = testing::crashed_result();
  fake.journal.test_finished(spec, crashed);
  auto hung = testing::crashed_result();
  hung.outcome = core::Outcome::timeout;
  hung.backtrace->source = core::BacktraceSource::timeout;
  auto& frames = hung.backtrace->processes[0].threads[0].frames;
  frames.resize(4000, frames[0]); // some 30 bytes a frame: past 64 KiB
  fake.journal.test_rerun(spec, hung);
  fake.journal.test_finished(spec, testing::flaky_result());

  REQUIRE(fake.messages.size() == 3); // a result, "run failed", a result
  const Message& result = fake.messages[0];
  CHECK(result.at("GINSTTEST_BACKTRACE_SOURCE") == "core");
  const std::string& text = result.at("GINSTTEST_BACKTRACE");
  CHECK(text.starts_with("process 4242 (/usr/libexec/grp/crash): 2 threads\n"
                         "  thread 4243 (worker), crashed:\n"
                         "    #0  explode\\x1b[2J at crash.c:7 (/grp/crash)\n"));
  CHECK(text.ends_with("  thread 4241 (helper):\n    #0  poll (/lib/libc.so.6)\n"));
  CHECK(text.find('\x1b') == std::string::npos);

  const Message& rerun = fake.messages[1];
  CHECK(rerun.at("MESSAGE_ID") == report::message_id::test_run_failed);
  CHECK(rerun.at("GINSTTEST_BACKTRACE_SOURCE") == "timeout");
  const std::string& cut = rerun.at("GINSTTEST_BACKTRACE");
  CHECK(cut.size() == 64 * 1024 + 3);
  CHECK(cut.ends_with("..."));
  CHECK(cut.find("#3999 ") == std::string::npos);
  // Only the messages of a test with stacks have the fields.
  CHECK(fake.messages[2].count("GINSTTEST_BACKTRACE") == 0);
  CHECK(fake.messages[2].count("GINSTTEST_BACKTRACE_SOURCE") == 0);
}
