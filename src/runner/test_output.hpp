// Where one test's output goes while it runs: the capture (log files and the tail kept for the
// console), and for an Output=TAP test the TAP parser and its tally.
#pragma once

#include "runner/output_capture.hpp"
#include "runner/watcher.hpp"
#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ginsttest::runner {

class TestOutput final : public OutputSink {
public:
  // `tap`: stdout is TAP, and stderr comes through a pipe of its own.
  TestOutput(std::size_t tail_bytes, bool tap);
  TestOutput(const TestOutput&) = delete;
  TestOutput& operator=(const TestOutput&) = delete;

  OutputCapture& capture() { return m_capture; }
  // The TAP tally of an Output=TAP test (complete once the output has ended), else null.
  tap::Tally* tally() { return m_tally.get(); }
  const tap::Tally* tally() const { return m_tally.get(); }

  void on_output(Stream from, std::string_view data) override;
  void on_end() override;

private:
  OutputCapture m_capture;
  std::unique_ptr<tap::Tally> m_tally;
  std::unique_ptr<tap::Parser> m_parser;
  // An Output=TAP test (with a parser) writes to two pipes: then the capture takes whole lines, so
  // that a line of one stream never lands in the middle of a line of the other (which one is read
  // first is a race); what is left of a line waits here, up to max_partial bytes, and at the end.
  static constexpr std::size_t max_partial = 4096;
  std::string m_partial[2]; // by Stream
};

} // namespace ginsttest::runner
