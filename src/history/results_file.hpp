// Reading back what a run wrote with --json (report/json.cpp writes it; the format is in
// ginsttest-runner(1)), for --baseline and --merge: one JSON object a line, a "test" record per
// test that ran, a "not-run" record per test an interruption kept from running, and one "summary"
// record at the end.
//
// Each test is rebuilt as the run reported it, as far as the file tells: its spec's name, file,
// root and type (not its Exec or Description, which the file does not have), and its result
// whole. A member that is missing or null takes its default (a file of another version may not
// have it); one that is there must have the type and the values the runner writes. Records of
// other kinds, and lines that are objects without a "record", are passed over.
#pragma once

#include "core/test_result.hpp"
#include "core/test_spec.hpp"
#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ginsttest::history {

// A "test" record: a test that ran, and how it ended.
struct TestRecord {
  // name, file, root and type; output_tap when the result has test points.
  core::TestSpec spec;
  core::TestResult result;
  std::size_t line = 0; // where it is in the file, from 1
};

// A "not-run" record: a test of the plan that an interruption kept from running.
struct NotRunRecord {
  core::TestSpec spec; // name and file
  std::string reason;  // "interrupted by SIGINT"
  std::size_t line = 0;
};

// The "summary" record: what the run said of itself. Its totals are not kept: they follow
// from the other records.
struct SummaryRecord {
  bool complete = true;
  // The signal named by "interrupted_by"; nullopt when it is null or names no signal.
  std::optional<int> interrupted_by;
  bool flaky_fails = false; // a --repeat run: a FLAKY test failed it
  bool baseline = false;    // the run compared its results with a --baseline
  std::size_t line = 0;
};

using Record = std::variant<TestRecord, NotRunRecord, SummaryRecord>;

// Reads `file` a line at a time, handing each record to `on_record` as soon as it is read (so
// that a caller keeping only a part of each holds no more). `option` ("--baseline", "--merge")
// starts every error, which names the file and the line: the file cannot be read, a line is not
// a JSON object, a test record has no name or no known outcome, a not-run record has no name, a
// member has the wrong type or a value the runner never writes, or a second summary record.
// Blank lines are passed over. A FIFO is read like a file (the caller waits for its writer).
util::Status read_records(const std::filesystem::path& file, std::string_view option,
                          const std::function<void(Record&& record)>& on_record);

// Everything one --json file holds, in the order of the file.
struct ResultsFile {
  std::filesystem::path path;
  std::vector<TestRecord> tests;
  std::vector<NotRunRecord> not_run;
  std::optional<SummaryRecord> summary; // nullopt: the run was killed before it could write one

  // Whether the run went to its end: a summary that says so, and no test left unrun.
  bool complete() const { return summary && summary->complete && not_run.empty(); }
};

// Reads all of `file` as read_records() does. Also an error: a file without a single test,
// not-run or summary record (not a --json file of a run).
util::Expected<ResultsFile> read_results_file(const std::filesystem::path& file,
                                              std::string_view option);

} // namespace ginsttest::history
