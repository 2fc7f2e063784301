// --shard=K/N: one of N disjoint parts of the selected tests, for the jobs of a CI matrix.
#pragma once

#include "core/config.hpp"
#include "discovery/scan.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace ginsttest::discovery {

// What a test weighs in a part: the time it is expected to take from a slot (from the history);
// nullopt when nothing is known of it.
using WeightOf = std::function<std::optional<std::chrono::milliseconds>(const TestFile&)>;

// The part of `tests` that shard.index of shard.count is, in their order. Tests of unknown
// weight go by a stable hash of their name, never by position, so that adding a test moves
// only that test. Those of known weight are dealt out from the heaviest down, each to the
// lightest part so far (counting each unknown one as the mean known weight), so that the parts
// take about as long. Every job of the matrix must see the same tests and the same weights.
void keep_shard(std::vector<TestFile>& tests, core::Shard shard, const WeightOf& weight);

// The stable hash that places a test of unknown weight: FNV-1a of its name.
std::uint64_t shard_hash(std::string_view name);

} // namespace ginsttest::discovery
