#include "impact/wrappers.hpp"

#include <algorithm>

namespace ginsttest::impact {
namespace {

struct Wrapper {
  std::string_view name;
  std::string_view valued; // its one-letter options that take a value
  std::size_t operands;    // words before the command that are not options (timeout's 10s)
};

// Those that installed tests and their wrappers use. Long options are taken as --opt=value.
constexpr Wrapper wrappers[] = {
    {"exec", "a", 0},          {"nohup", "", 0},         {"nice", "n", 0},
    {"setsid", "", 0},         {"stdbuf", "ioe", 0},     {"timeout", "ks", 1},
    {"time", "fo", 0},         {"ionice", "cnpP", 0},    {"chrt", "", 1},
    {"taskset", "", 1},        {"xargs", "aEILnPsd", 0}, {"dbus-run-session", "", 0},
    {"xvfb-run", "efnpsw", 0}, {"unshare", "", 0},       {"flock", "wE", 1},
    {"catchsegv", "", 0},
};

} // namespace

std::optional<std::size_t> wrapped_command(std::string_view name,
                                           const std::vector<std::string>& args) {
  if (name == "command") {
    // command -v/-V only says what a name is; command -p runs it.
    const bool looks_up = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
      return arg.starts_with('-') && arg.find_first_of("vV") != std::string::npos;
    });
    if (looks_up) {
      return args.size();
    }
    name = "nohup"; // no option takes a value
  }
  const auto* wrapper = std::find_if(std::begin(wrappers), std::end(wrappers),
                                     [&](const Wrapper& w) { return w.name == name; });
  if (wrapper == std::end(wrappers)) {
    return std::nullopt;
  }
  std::size_t i = 0;
  for (; i < args.size(); i++) {
    const std::string& arg = args[i];
    if (arg == "--") {
      i++;
      break;
    }
    if (arg.size() < 2 || arg.front() != '-') {
      break;
    }
    if (arg.starts_with("--")) {
      continue;
    }
    if (const auto option = valued_option(arg, wrapper->valued);
        option && option->value_in_next_word) {
      i++;
    }
  }
  return std::min(i + wrapper->operands, args.size());
}

std::optional<ValuedOption> valued_option(std::string_view word, std::string_view valued) {
  const auto letter = word.find_first_of(valued, 1);
  if (letter == std::string_view::npos) {
    return std::nullopt;
  }
  return ValuedOption{letter, letter == word.size() - 1};
}

std::size_t redirection_words(const std::vector<std::string>& words, std::size_t i) {
  const std::string_view word = words[i];
  const auto op = word.find_first_not_of("0123456789&");
  if (op == std::string_view::npos || (word[op] != '<' && word[op] != '>')) {
    return 0;
  }
  // The operator itself: <, >, >>, >|, <>, <<, >&, <&, &>, &>>.
  const auto end = word.find_first_not_of("<>|&", op);
  if (end != std::string_view::npos) {
    return 1; // its file (or fd) is in the same word
  }
  return i + 1 < words.size() ? 2 : 1;
}

} // namespace ginsttest::impact
