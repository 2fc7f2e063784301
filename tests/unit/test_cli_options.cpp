// The command line into a Config: gdtr's spellings, our defaults, and errors of the right kind.
#include "cli/options.hpp"
#include "core/defaults.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <initializer_list>
#include <string>
#include <vector>

using namespace ginsttest;

namespace {

util::Expected<cli::CommandLine> parse(std::initializer_list<const char*> args) {
  std::vector<std::string> owned{"ginsttest-runner"};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : owned) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  return cli::parse_command_line(static_cast<int>(owned.size()), argv.data());
}

// Unsets TMT_TEST_DATA for the test's duration, or sets it.
struct TmtData {
  explicit TmtData(const char* value) {
    if (value) {
      ::setenv("TMT_TEST_DATA", value, 1);
    } else {
      ::unsetenv("TMT_TEST_DATA");
    }
  }
  ~TmtData() { ::unsetenv("TMT_TEST_DATA"); }
};

} // namespace

TEST_CASE("no options: the defaults, from the one place they are written") {
  TmtData none{nullptr};
  auto line = parse({});
  REQUIRE(line);
  const core::Config& config = line->config;
  CHECK(config.timeout == core::defaults::timeout);
  CHECK(config.kill_grace == core::defaults::kill_grace);
  CHECK(config.output_lines == core::defaults::output_lines);
  CHECK(config.parallel == 1);
  CHECK(config.order == core::Order::automatic);
  CHECK_FALSE(config.tmt_data);
  CHECK_FALSE(config.log_directory);
}

TEST_CASE("gdtr's spellings: -p N, -t, -L, prefixes") {
  TmtData none{nullptr};
  auto line = parse({"-p", "4", "-t", "60", "-L", "/logs", "glib/", "gtk"});
  REQUIRE(line);
  CHECK(line->config.parallel == 4);
  CHECK(line->config.timeout == std::chrono::seconds{60});
  CHECK(line->config.log_directory == std::filesystem::path{"/logs"});
  CHECK(line->config.prefixes == std::vector<std::string>{"glib/", "gtk"});
  auto bare = parse({"glib/", "-p"});
  REQUIRE(bare);
  CHECK(bare->config.parallel >= 1);
  CHECK(bare->config.prefixes == std::vector<std::string>{"glib/"});
}

TEST_CASE("-p before a word that is not a number stands alone: the word is a prefix") {
  TmtData none{nullptr};
  const unsigned per_cpu = parse({"-p"})->config.parallel;
  for (auto args : {std::initializer_list<const char*>{"-p", "glib/"},
                    {"--parallel", "glib/"},
                    {"-p", "glib/", "-t", "5"},
                    {"-p", "-t", "5", "glib/"}}) {
    auto line = parse(args);
    REQUIRE(line);
    CHECK(line->config.parallel == per_cpu);
    CHECK(line->config.prefixes == std::vector<std::string>{"glib/"});
  }
  // After "--" it is a prefix itself; with '=' a value that must be a number.
  auto ended = parse({"gtk/", "--", "-p", "glib/"});
  REQUIRE(ended);
  CHECK(ended->config.parallel == 1);
  CHECK(ended->config.prefixes == std::vector<std::string>{"gtk/", "-p", "glib/"});
  CHECK_FALSE(parse({"--parallel=glib/"}));
  // A word starting with a digit is a value, so a typo is an error, not a prefix matching
  // nothing (a run of no test, which passes).
  CHECK_FALSE(parse({"-p", "4x", "glib/"}));
}

TEST_CASE("a bad option is a configuration error naming it") {
  TmtData none{nullptr};
  for (auto args : {std::initializer_list<const char*>{"--timeout=-1"},
                    {"--order=size"},
                    {"--as-root", "--user=nobody"},
                    {"--display=maybe"},
                    {"--seed=x"},
                    {"--no-such-option"},
                    {"--log-msgid=abc"}}) {
    auto line = parse(args);
    REQUIRE_FALSE(line);
    CHECK(line.error().kind == util::ErrorKind::configuration);
    CHECK_FALSE(line.error().what.empty());
  }
  CHECK(parse({"--order=size"}).error().what ==
        "invalid --order 'size' (expected random, name or longest)");
}

TEST_CASE("run as a tmt test: results in TMT_TEST_DATA, logs under it unless -L says where") {
  TmtData tmt{"/var/tmp/tmt/data"};
  auto line = parse({});
  REQUIRE(line);
  CHECK(line->config.tmt_data == std::filesystem::path{"/var/tmp/tmt/data"});
  CHECK(line->config.log_directory == std::filesystem::path{"/var/tmp/tmt/data/logs"});
  auto with_l = parse({"-L", "/elsewhere"});
  REQUIRE(with_l);
  CHECK(with_l->config.log_directory == std::filesystem::path{"/elsewhere"});
}
