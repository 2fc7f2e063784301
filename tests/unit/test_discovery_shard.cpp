#include "discovery/order.hpp"
#include "discovery/shard.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

using namespace ginsttest;
using namespace std::chrono_literals;

namespace {

std::vector<discovery::TestFile> tests(int n) {
  std::vector<discovery::TestFile> out;
  for (int i = 0; i < n; i++) {
    out.push_back({"suite/t" + std::to_string(i) + ".test", 0});
  }
  return out;
}

std::vector<discovery::TestFile> part(std::vector<discovery::TestFile> all, unsigned k, unsigned n,
                                      const discovery::WeightOf& weight = {}) {
  discovery::keep_shard(all, core::Shard{k, n}, weight);
  return all;
}

} // namespace

TEST_CASE("the parts of a shard are disjoint and cover every test, in their order") {
  const auto all = tests(100);
  std::multiset<std::string> seen;
  for (unsigned k = 1; k <= 4; k++) {
    const auto mine = part(all, k, 4);
    CHECK(mine.size() > 10); // FNV-1a spreads 100 names over 4 parts
    // In the order they came.
    auto next = all.begin();
    for (const auto& test : mine) {
      next = std::find_if(next, all.end(), [&](const auto& t) { return t.name == test.name; });
      CHECK(next != all.end());
    }
    for (const auto& test : mine) {
      seen.insert(test.name);
    }
  }
  CHECK(seen.size() == 100);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 100);
  CHECK(part(all, 1, 1).size() == 100);
}

TEST_CASE("without durations, adding a test moves only that test") {
  auto before = tests(50);
  auto after = before;
  after.push_back({"suite/new.test", 0});
  for (unsigned k = 1; k <= 3; k++) {
    auto old_part = part(before, k, 3);
    auto new_part = part(after, k, 3);
    std::erase_if(new_part, [](const auto& t) { return t.name == "suite/new.test"; });
    CHECK(old_part.size() == new_part.size());
    for (std::size_t i = 0; i < old_part.size() && i < new_part.size(); i++) {
      CHECK(old_part[i].name == new_part[i].name);
    }
  }
}

TEST_CASE("with durations, the parts take about as long") {
  auto all = tests(40);
  std::map<std::string, std::chrono::milliseconds> took;
  for (int i = 0; i < 40; i++) {
    // One long test and a spread of short ones.
    took[all[i].name] = i == 0 ? 10000ms : std::chrono::milliseconds{100 + 37 * i};
  }
  const discovery::WeightOf weight = [&](const discovery::TestFile& t) { return took.at(t.name); };
  std::chrono::milliseconds total{};
  for (const auto& [name, ms] : took) {
    total += ms;
  }
  std::vector<std::chrono::milliseconds> loads;
  for (unsigned k = 1; k <= 3; k++) {
    std::chrono::milliseconds load{};
    for (const auto& t : part(all, k, 3, weight)) {
      load += took.at(t.name);
    }
    loads.push_back(load);
  }
  const auto [lightest, heaviest] = std::minmax_element(loads.begin(), loads.end());
  // Each part within the longest short test of the others.
  CHECK((*heaviest - *lightest) <= 1543ms);
  CHECK(loads[0] + loads[1] + loads[2] == total);
}

TEST_CASE("longest first: the tests without a duration first, then from the longest down") {
  std::vector<discovery::TestFile> all{{"a", 0}, {"b", 0}, {"c", 0}, {"d", 0}, {"e", 0}};
  const std::map<std::string, std::chrono::milliseconds> took{{"a", 5ms}, {"c", 50ms}, {"d", 5ms}};
  discovery::longest_first(
      all,
      [&](const discovery::TestFile& t) -> std::optional<std::chrono::milliseconds> {
        const auto it = took.find(t.name);
        return it == took.end() ? std::nullopt : std::optional{it->second};
      },
      7);
  REQUIRE(all.size() == 5);
  CHECK(std::set<std::string>{all[0].name, all[1].name} == std::set<std::string>{"b", "e"});
  CHECK(all[2].name == "c");
  CHECK(all[3].name == "a"); // ties by name
  CHECK(all[4].name == "d");
}

TEST_CASE("--failed-first puts last time's failures first, each part in its order") {
  std::vector<discovery::TestFile> all{{"a", 0}, {"b", 0}, {"c", 0}, {"d", 0}};
  discovery::failed_first(
      all, [](const discovery::TestFile& t) { return t.name == "b" || t.name == "d"; });
  CHECK(all[0].name == "b");
  CHECK(all[1].name == "d");
  CHECK(all[2].name == "a");
  CHECK(all[3].name == "c");
}
