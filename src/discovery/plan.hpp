// The plan of a run: the selected tests in the order they run, and the seed that shuffled them
// (as ninja's Plan holds what is left to build). Test files are read when their turn comes.
#pragma once

#include "core/config.hpp"
#include "core/test_spec.hpp"
#include "discovery/scan.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ginsttest::discovery {

class Plan {
public:
  // Orders the selected tests of `catalog`: shuffled with `seed` (a fresh one when unset), as
  // gdtr shuffles, or by name.
  static Plan make(Catalog catalog, core::Order order, std::optional<std::uint64_t> seed);

  std::size_t size() const { return m_catalog.files.size(); }
  // The seed of a shuffled plan, printed so that the order can be replayed.
  const std::optional<std::uint64_t>& seed() const { return m_seed; }
  // The tests in run order, to be reordered further (tests using changed symbols first).
  std::vector<TestFile>& tests() { return m_catalog.files; }

  // Reads test `index`'s file; a file that cannot be read gives a spec with its load_error.
  core::TestSpec load(std::size_t index) const;

private:
  Plan(Catalog catalog, std::optional<std::uint64_t> seed)
      : m_catalog(std::move(catalog)), m_seed(seed) {}

  Catalog m_catalog;
  std::optional<std::uint64_t> m_seed;
};

} // namespace ginsttest::discovery
