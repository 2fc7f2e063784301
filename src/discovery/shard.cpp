#include "discovery/shard.hpp"

#include <algorithm>
#include <numeric>

namespace ginsttest::discovery {

std::uint64_t shard_hash(std::string_view name) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void keep_shard(std::vector<TestFile>& tests, core::Shard shard, const WeightOf& weight) {
  const std::size_t parts = std::max(1u, shard.count);
  std::vector<std::size_t> part_of(tests.size());
  std::vector<std::chrono::milliseconds> load(parts);
  std::vector<std::size_t> unknown_in(parts);
  std::vector<std::pair<std::chrono::milliseconds, std::size_t>> known; // weight, index
  std::chrono::milliseconds known_sum{};
  for (std::size_t i = 0; i < tests.size(); i++) {
    if (const auto w = weight ? weight(tests[i]) : std::nullopt) {
      known.emplace_back(*w, i);
      known_sum += *w;
    } else {
      part_of[i] = shard_hash(tests[i].name) % parts;
      unknown_in[part_of[i]]++;
    }
  }
  if (!known.empty()) {
    const auto mean = known_sum / static_cast<long>(known.size());
    for (std::size_t p = 0; p < parts; p++) {
      load[p] = mean * static_cast<long>(unknown_in[p]);
    }
    std::sort(known.begin(), known.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : tests[a.second].name < tests[b.second].name;
    });
    for (const auto& [w, i] : known) {
      const auto lightest = std::min_element(load.begin(), load.end()) - load.begin();
      part_of[i] = static_cast<std::size_t>(lightest);
      load[part_of[i]] += w;
    }
  }
  std::vector<TestFile> kept;
  for (std::size_t i = 0; i < tests.size(); i++) {
    if (part_of[i] == shard.index - 1) {
      kept.push_back(std::move(tests[i]));
    }
  }
  tests = std::move(kept);
}

} // namespace ginsttest::discovery
