// The order tests run in: a reproducible shuffle (the default, as gdtr shuffles) or by name.
#pragma once

#include "core/test_spec.hpp"
#include "discovery/scan.hpp"

#include <cstdint>
#include <vector>

namespace ginsttest::discovery {

// A seed from the system's entropy, for runs without --seed.
std::uint64_t random_seed();

// Shuffles `tests` with a generator of our own (splitmix64 + Fisher-Yates), so that the same
// seed gives the same order on every machine and with every standard library.
void shuffle(std::vector<TestFile>& tests, std::uint64_t seed);

// Sorts by name.
void sort_by_name(std::vector<TestFile>& tests);

// gdtr's --list order: session tests first, then session-exclusive ones, each by name.
void sort_for_listing(std::vector<core::TestSpec>& tests);

} // namespace ginsttest::discovery
