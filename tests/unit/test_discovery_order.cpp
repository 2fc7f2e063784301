#include "discovery/order.hpp"
#include "discovery/plan.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace ginsttest;

namespace {

std::vector<discovery::TestFile> specs(int n) {
  std::vector<discovery::TestFile> out;
  for (int i = 0; i < n; i++) {
    out.push_back({"t" + std::to_string(100 + i), 0});
  }
  return out;
}

template <typename T> std::vector<std::string> names(const std::vector<T>& tests) {
  std::vector<std::string> out;
  for (const auto& t : tests) {
    out.push_back(t.name);
  }
  return out;
}

} // namespace

TEST_CASE("the same seed gives the same order") {
  auto a = specs(50);
  auto b = specs(50);
  discovery::shuffle(a, 1234);
  discovery::shuffle(b, 1234);
  CHECK(names(a) == names(b));
}

TEST_CASE("the order is pinned for a given seed, whatever the platform") {
  // Our own generator: a new standard library must not change the order a seed names.
  auto tests = specs(5);
  discovery::shuffle(tests, 42);
  CHECK(names(tests) == std::vector<std::string>{"t101", "t102", "t100", "t104", "t103"});
}

TEST_CASE("different seeds give different orders, each a permutation") {
  auto a = specs(50);
  auto b = specs(50);
  discovery::shuffle(a, 1);
  discovery::shuffle(b, 2);
  CHECK(names(a) != names(b));
  auto sorted = names(a);
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == names(specs(50)));
}

TEST_CASE("sort by name") {
  auto tests = specs(20);
  discovery::shuffle(tests, 7);
  discovery::sort_by_name(tests);
  CHECK(names(tests) == names(specs(20)));
}

TEST_CASE("listing order: session tests first, then exclusive ones, each by name") {
  std::vector<core::TestSpec> tests(4);
  tests[0].name = "b";
  tests[0].type = core::TestType::session_exclusive;
  tests[1].name = "d";
  tests[2].name = "a";
  tests[2].type = core::TestType::session_exclusive;
  tests[3].name = "c";
  discovery::sort_for_listing(tests);
  CHECK(names(tests) == std::vector<std::string>{"c", "d", "a", "b"});
}

TEST_CASE("random seeds are short enough to retype") {
  CHECK(discovery::random_seed() < 1000000000ULL);
}

TEST_CASE("a plan is shuffled with its seed, or sorted by name with none") {
  discovery::Catalog catalog;
  catalog.roots = {"/nonexistent/installed-tests"};
  catalog.files = specs(20);
  auto expected = catalog.files;
  discovery::shuffle(expected, 42);

  auto shuffled = discovery::Plan::make(catalog, core::Order::random, 42);
  CHECK(shuffled.seed() == std::optional<std::uint64_t>{42});
  CHECK(names(shuffled.tests()) == names(expected));
  REQUIRE(shuffled.size() == 20);
  // A file that is not there is loaded as a spec that says so.
  const auto spec = shuffled.load(0);
  CHECK(spec.name == expected[0].name);
  CHECK(spec.load_error);

  auto fresh = discovery::Plan::make(catalog, core::Order::random, std::nullopt);
  CHECK(fresh.seed());

  std::reverse(catalog.files.begin(), catalog.files.end());
  auto by_name = discovery::Plan::make(catalog, core::Order::name, 42);
  CHECK_FALSE(by_name.seed());
  CHECK(names(by_name.tests()) == names(specs(20)));
}
