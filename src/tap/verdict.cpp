#include "tap/verdict.hpp"

#include <fmt/format.h>
#include <sys/wait.h>

namespace ginsttest::tap {
namespace {

constexpr std::size_t names_in_reason = 5;

core::SubtestOutcome outcome_of(const TestPoint& point) {
  if (point.directive == Directive::todo) {
    return point.ok ? core::SubtestOutcome::todo_passed : core::SubtestOutcome::todo;
  }
  if (!point.ok) {
    return core::SubtestOutcome::fail; // "not ok # SKIP" is a failure, as for TAP::Parser
  }
  return point.directive == Directive::skip ? core::SubtestOutcome::skip
                                            : core::SubtestOutcome::pass;
}

bool starts_with_skip(std::string_view comment) {
  return comment.size() >= 4 && (comment[0] == 'S' || comment[0] == 's') &&
         (comment[1] == 'K' || comment[1] == 'k') && (comment[2] == 'I' || comment[2] == 'i') &&
         (comment[3] == 'P' || comment[3] == 'p');
}

} // namespace

void Tally::on_event(const Event& event) {
  if (const auto* bail = std::get_if<BailOut>(&event.payload)) {
    if (!m_bail_out) {
      m_bail_out = std::string{bail->reason};
    }
    return;
  }
  if (event.depth != 0) {
    return; // a subtest's own points are summed up by its parent's point
  }
  if (const auto* point = std::get_if<TestPoint>(&event.payload)) {
    m_points++;
    if (point->number && *point->number != m_points && !m_out_of_sequence) {
      m_out_of_sequence = fmt::format("test {} where {} was expected", *point->number, m_points);
    }
    if (m_plan && m_plan_points > 0) { // points before the plan, and now after it
      m_plan_in_middle = true;
    }
    if (point->directive == Directive::todo) {
      m_todo++;
    }
    const auto outcome = outcome_of(*point);
    // A point without a description is named by its number, in reasons and reports alike.
    std::string name = point->description.empty()
                           ? fmt::format("#{}", point->number.value_or(m_points))
                           : std::string{point->description};
    if (outcome == core::SubtestOutcome::fail) {
      m_failed++;
      if (m_failed_names.size() < names_in_reason) {
        m_failed_names.push_back(name);
      }
    }
    if (point->directive == Directive::skip) {
      m_skipped++; // also a "not ok # SKIP", as TAP::Parser counts
    }
    if (m_subtests.size() < m_max_kept) {
      const auto now = std::chrono::steady_clock::now(); // only for the points kept
      m_subtests.push_back(core::SubtestResult{
          std::move(name), outcome, std::string{point->reason}, {}, now - m_last});
      m_last = now;
    } else {
      m_not_kept++;
    }
    m_last_was_point = true;
    return;
  }
  if (const auto* yaml = std::get_if<YamlBlock>(&event.payload)) {
    if (m_last_was_point && m_not_kept == 0 && !m_subtests.empty()) {
      m_subtests.back().diagnostics = std::string{yaml->text};
    }
    return;
  }
  m_last_was_point = false;
  if (const auto* plan = std::get_if<Plan>(&event.payload)) {
    m_plans++;
    m_plan = KeptPlan{plan->first, plan->last, std::string{plan->comment}};
    m_plan_points = m_points;
  }
}

core::Verdict Tally::verdict(int wait_status) const {
  const auto exit = core::verdict_from_wait_status(wait_status);
  std::vector<std::string> problems;
  if (m_bail_out) {
    problems.push_back(m_bail_out->empty() ? "bailed out" : "bailed out: " + *m_bail_out);
  }
  if (m_failed > 0) {
    std::string names;
    for (const auto& name : m_failed_names) {
      names += (names.empty() ? "" : ", ") + name;
    }
    if (m_failed > m_failed_names.size()) {
      names += ", ...";
    }
    problems.push_back(fmt::format("{} of {} subtests failed: {}", m_failed, m_points, names));
  }
  const bool skip_all = m_plan && m_plan->last < m_plan->first;
  if (m_out_of_sequence) {
    problems.push_back("out of sequence: " + *m_out_of_sequence);
  }
  if (m_plans > 1) {
    problems.push_back(fmt::format("{} plans", m_plans));
  } else if (m_plan_in_middle) {
    problems.push_back("the plan is neither at the start nor at the end");
  } else if (!m_plan && !m_bail_out && m_points > 0) {
    problems.push_back("no plan");
  } else if (!m_plan && !m_bail_out) {
    // No TAP at all. GLib installs tests that only check that a program builds and runs (cxx,
    // deftype) with Output=TAP and no output: the exit status alone judges them.
    if (exit.outcome != core::Outcome::pass && exit.outcome != core::Outcome::skip) {
      problems.push_back("no TAP output (no plan, no test point)");
    }
  } else if (m_plan && !skip_all && !m_bail_out && m_plan->last - m_plan->first + 1 != m_points) {
    problems.push_back(
        fmt::format("planned {}, ran {}", m_plan->last - m_plan->first + 1, m_points));
  } else if (m_plan && !skip_all && starts_with_skip(m_plan->comment)) {
    // As for TAP::Parser: "# SKIP" on a plan means "skip everything", so only 1..0 may say it.
    problems.push_back(fmt::format("1..{} # SKIP plans tests and skips them all", m_plan->last));
  } else if (skip_all && m_points > 0) {
    problems.push_back(fmt::format("planned none, ran {}", m_points));
  }

  if (exit.outcome == core::Outcome::skip && m_failed == 0 && !m_bail_out) {
    return {core::Outcome::skip, {}}; // exit status 77 skips, whatever was planned
  }
  if (exit.outcome == core::Outcome::fail || exit.outcome == core::Outcome::error) {
    problems.insert(problems.begin(), exit.reason);
  }
  if (!problems.empty()) {
    std::string reason;
    for (const auto& p : problems) {
      reason += (reason.empty() ? "" : "; ") + p;
    }
    return {core::Outcome::fail, reason};
  }
  if (skip_all) {
    std::string_view comment = m_plan->comment;
    if (starts_with_skip(comment)) {
      comment.remove_prefix(4);
      while (!comment.empty() && (comment.front() == ' ' || comment.front() == ':')) {
        comment.remove_prefix(1);
      }
    }
    return {core::Outcome::skip, std::string{comment}};
  }
  if (m_points > 0 && m_skipped == m_points && m_failed == 0) {
    return {core::Outcome::skip, fmt::format("all {} subtests skipped", m_points)};
  }
  return {core::Outcome::pass, {}};
}

} // namespace ginsttest::tap
