// The order tests run in: longest first when the history knows the tests, else a reproducible
// shuffle (as gdtr shuffles), or by name.
#pragma once

#include "core/test_spec.hpp"
#include "discovery/scan.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace ginsttest::discovery {

// A seed from the system's entropy, for runs without --seed.
std::uint64_t random_seed();

// Shuffles `tests` with a generator of our own (splitmix64 + Fisher-Yates), so that the same
// seed gives the same order on every machine and with every standard library.
void shuffle(std::vector<TestFile>& tests, std::uint64_t seed);

// Sorts by name.
void sort_by_name(std::vector<TestFile>& tests);

// What a test is expected to take (from the history); nullopt when nothing is known of it.
using DurationOf = std::function<std::optional<std::chrono::milliseconds>(const TestFile&)>;

// Longest first, so that the slots stay busy to the end (LPT): the tests with no duration come
// first, shuffled with `seed` (they may be long), then the others from the longest down, ties by
// name.
void longest_first(std::vector<TestFile>& tests, const DurationOf& duration, std::uint64_t seed);

// --failed-first: the tests `failed` says failed last time first, each part keeping its order.
void failed_first(std::vector<TestFile>& tests, const std::function<bool(const TestFile&)>& failed);

// gdtr's --list order: session tests first, then session-exclusive ones, each by name.
void sort_for_listing(std::vector<core::TestSpec>& tests);

} // namespace ginsttest::discovery
