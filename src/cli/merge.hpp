// --merge=FILE: the --json files of several runs (the shards of one CI pipeline, each run with
// --shard=K/N) reported as one run. Nothing is discovered or run: the tests of every file are
// replayed to the reporters, which write what one run with all those results would have
// written, and the exit status is that run's.
#pragma once

#include "core/summary.hpp"
#include "history/results_file.hpp"
#include "report/reporter.hpp"
#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::cli {

class MergedRuns {
public:
  // Reads every file of `files` whole (history::read_results_file), before anything is
  // reported: a file that cannot be used reports nothing, and a report may be written over one
  // of the files. Every result is held until replay(): memory grows with the files. An error
  // names the file (and the line): one that cannot be read or is not a --json file of a run,
  // one named twice, or a test that two files have (or one file twice), named with both files.
  static util::Expected<MergedRuns> read(const std::vector<std::filesystem::path>& files);

  // One line for each file whose run did not go to its end (interrupted, or killed before its
  // summary), naming it: the merged run is then incomplete.
  std::vector<std::string> warnings() const;

  // The signal that makes the merged run incomplete: the one that stopped the first file's run
  // that did not go to its end (SIGINT when that file names none of the stop signals, SIGINT,
  // SIGTERM and SIGHUP); nullopt when every run went to its end.
  std::optional<int> interrupted_by() const;

  // The tests of every file: those that ran and those an interruption kept from running.
  std::size_t total() const;

  // Reports the runs to `reporter` as one run: run_started(), each test that ran
  // (test_started(), test_finished()) in the order of the files and of their lines, then each
  // test that did not (test_not_run(), with the signal that stopped its own run, as
  // interrupted_by() tells it), then run_finished() with the summary, which is returned. The
  // summary counts the results as a run does (core::RunSummary::add); a --repeat run's file
  // ("flaky_fails") makes a FLAKY test fail the merged run; baseline totals are counted when
  // the files have baseline comparisons.
  core::RunSummary replay(report::Reporter& reporter) const;

private:
  std::vector<history::ResultsFile> m_files;
};

} // namespace ginsttest::cli
