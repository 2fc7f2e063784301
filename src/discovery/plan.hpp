// The plan of a run: the selected tests in the order they run, and the seed that shuffled them
// (as ninja's Plan holds what is left to build). Test files are read when their turn comes.
#pragma once

#include "core/config.hpp"
#include "core/test_spec.hpp"
#include "discovery/order.hpp"
#include "discovery/scan.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ginsttest::discovery {

class Plan {
public:
  // Orders the selected tests of `catalog`: shuffled with `seed` (a fresh one when unset), as
  // gdtr shuffles, by name, or longest first by `duration` (the tests it does not know
  // shuffled with `seed`, first). Order::automatic is longest first when `duration` knows one
  // of the tests, else shuffled.
  static Plan make(Catalog catalog, core::Order order, std::optional<std::uint64_t> seed,
                   const DurationOf& duration = {});

  std::size_t size() const { return m_catalog.files.size(); }
  // The seed of a shuffled plan, printed so that the order can be replayed.
  const std::optional<std::uint64_t>& seed() const { return m_seed; }
  // Whether the tests are in the order longest first.
  bool longest_first() const { return m_longest_first; }
  // The tests in run order, to be reordered further (tests using changed symbols first).
  std::vector<TestFile>& tests() { return m_catalog.files; }

  // Reads test `index`'s file; a file that cannot be read gives a spec with its load_error.
  core::TestSpec load(std::size_t index) const;

private:
  Plan(Catalog catalog, std::optional<std::uint64_t> seed, bool longest)
      : m_catalog(std::move(catalog)), m_seed(seed), m_longest_first(longest) {}

  Catalog m_catalog;
  std::optional<std::uint64_t> m_seed;
  bool m_longest_first = false;
};

} // namespace ginsttest::discovery
