// --affected-by, --changed-symbols and --explain applied to the found tests: the step between
// discovery and the plan.
#pragma once

#include "core/config.hpp"
#include "discovery/scan.hpp"
#include "util/expected.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ginsttest::cli {

struct AffectedTests {
  std::unordered_map<std::string, std::string> why; // by test name, for --explain
  std::unordered_set<std::string> symbol_users;     // tests that use a changed symbol

  // Puts the tests that use a changed symbol first, each part in its order.
  template <typename Test> void put_symbol_users_first(std::vector<Test>& tests) const {
    std::stable_partition(tests.begin(), tests.end(),
                          [&](const Test& test) { return symbol_users.contains(test.name); });
  }
  // The line --explain prints for test `name` (empty when there is none).
  std::string explanation(const std::string& name) const {
    const auto it = why.find(name);
    return it == why.end() ? std::string{} : it->second;
  }
};

// Drops from `catalog` the tests the change does not affect and tells why each other one is
// kept. Does nothing (and returns an empty AffectedTests) when neither option was given. An
// error (exit status 1) names the --affected-by value that names nothing.
util::Expected<AffectedTests> select_affected(const core::Config& config,
                                              discovery::Catalog& catalog);

} // namespace ginsttest::cli
