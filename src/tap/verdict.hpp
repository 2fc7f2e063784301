// Judges an Output=TAP test from the TAP events of its output and its exit status, the way
// Perl's TAP::Parser (prove) does, and keeps its subtests for the reports.
#pragma once

#include "core/outcome.hpp"
#include "core/test_result.hpp"
#include "tap/parser.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::tap {

class Tally final : public EventSink {
public:
  // Keeps the first `max_kept` subtests (later ones are only counted).
  explicit Tally(std::size_t max_kept = 10000) : m_max_kept(max_kept) {}

  void on_event(const Event& event) override;

  // The outcome, from the test points seen and the exit status (a wait status):
  // FAIL for any `not ok` without TODO, a Bail out!, no plan, a plan other than the count of
  // points, more than one plan, or an exit status other than 0 and 77; SKIP for `1..0 # SKIP`,
  // exit status 77 without failures, or every point skipped; else PASS.
  core::Verdict verdict(int wait_status) const;

  // Moves the subtests out (call once, after verdict()).
  std::vector<core::SubtestResult> take_subtests() { return std::move(m_subtests); }
  std::size_t subtests_not_kept() const { return m_not_kept; }

  // Counts as TAP::Parser gives them: points run, failed (not ok without TODO), skipped (SKIP
  // directive, ok or not), todo (TODO directive, passing or not).
  struct Counts {
    std::size_t points = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    std::size_t todo = 0;
  };
  Counts counts() const { return {m_points, m_failed, m_skipped, m_todo}; }

  // The number of points the plan announces, once a plan has been seen.
  std::optional<std::uint64_t> planned() const {
    return m_plan ? std::optional<std::uint64_t>{m_plan->last} : std::nullopt;
  }

private:
  std::size_t m_max_kept;
  std::vector<core::SubtestResult> m_subtests;
  std::size_t m_not_kept = 0;
  std::size_t m_points = 0;
  std::size_t m_failed = 0;
  std::size_t m_skipped = 0;
  std::size_t m_todo = 0;
  std::optional<std::string> m_out_of_sequence; // the first point whose number is not the next
  bool m_plan_in_middle = false;                // a plan with points both before and after it
  std::size_t m_plan_points = 0;                // points seen when the plan came
  std::vector<std::string> m_failed_names;      // the first few, for the reason
  struct KeptPlan {
    std::uint64_t first;
    std::uint64_t last;
    std::string comment;
  };
  std::optional<KeptPlan> m_plan;
  int m_plans = 0;
  bool m_last_was_point = false;
  std::optional<std::string> m_bail_out;
  std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

} // namespace ginsttest::tap
