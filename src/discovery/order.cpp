#include "discovery/order.hpp"

#include <sys/random.h>

#include <algorithm>
#include <chrono>

namespace ginsttest::discovery {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A uniform value in [0, bound) without modulo bias.
std::uint64_t below(std::uint64_t& state, std::uint64_t bound) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value;
  do {
    value = splitmix64(state);
  } while (value >= limit);
  return value % bound;
}

} // namespace

std::uint64_t random_seed() {
  std::uint64_t seed = 0;
  if (::getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed) {
    seed = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  // Keep seeds short enough to retype.
  return seed % 1000000000ULL;
}

void shuffle(std::vector<TestFile>& tests, std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::size_t i = tests.size(); i > 1; i--) {
    std::swap(tests[i - 1], tests[below(state, i)]);
  }
}

void sort_by_name(std::vector<TestFile>& tests) {
  std::sort(tests.begin(), tests.end(),
            [](const TestFile& a, const TestFile& b) { return a.name < b.name; });
}

void longest_first(std::vector<TestFile>& tests, const DurationOf& duration, std::uint64_t seed) {
  std::vector<std::pair<std::chrono::milliseconds, TestFile>> known;
  std::vector<TestFile> unknown;
  for (auto& test : tests) {
    if (const auto took = duration(test)) {
      known.emplace_back(*took, std::move(test));
    } else {
      unknown.push_back(std::move(test));
    }
  }
  shuffle(unknown, seed);
  std::sort(known.begin(), known.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second.name < b.second.name;
  });
  tests = std::move(unknown);
  for (auto& [took, test] : known) {
    tests.push_back(std::move(test));
  }
}

void failed_first(std::vector<TestFile>& tests,
                  const std::function<bool(const TestFile&)>& failed) {
  std::stable_partition(tests.begin(), tests.end(), failed);
}

void sort_for_listing(std::vector<core::TestSpec>& tests) {
  std::sort(tests.begin(), tests.end(), [](const core::TestSpec& a, const core::TestSpec& b) {
    if (a.exclusive() != b.exclusive()) {
      return !a.exclusive();
    }
    return a.name < b.name;
  });
}

} // namespace ginsttest::discovery
