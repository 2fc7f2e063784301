// Programs and builtins that run a command given in their arguments (`timeout 60 prog`,
// `dbus-run-session -- prog`, `exec -a name prog`), and shell redirections: where, in a list
// of words, the command that really runs starts.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::impact {

// For a wrapper named `name` (a file name or a builtin), the index in `args` (its arguments)
// where the command it runs starts: its options and their values, and the operands it takes
// first (timeout's duration), passed over. nullopt when `name` is no wrapper we know. The
// index may be args.size() when no command is given (or when it only looks one up, as
// `command -v`).
std::optional<std::size_t> wrapped_command(std::string_view name,
                                           const std::vector<std::string>& args);

// In a word of clustered short options ("-kn", "-n5"), the first of the letters `valued`
// (those taking a value): its index, and whether its value is the next word (it ends the
// word) rather than the rest of this one. nullopt when none of them is there.
struct ValuedOption {
  std::size_t letter;
  bool value_in_next_word;
};
std::optional<ValuedOption> valued_option(std::string_view word, std::string_view valued);

// How many words starting at `words[i]` are a redirection: 1 for ">/dev/null", "2>&1" or
// "<in"; 2 for an operator written apart from its file ("2>", "/dev/null"); 0 for a word that
// is none.
std::size_t redirection_words(const std::vector<std::string>& words, std::size_t i);

} // namespace ginsttest::impact
