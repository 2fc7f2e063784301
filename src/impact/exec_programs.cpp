#include "impact/exec_programs.hpp"

#include "impact/wrappers.hpp"
#include "util/expected.hpp"
#include "util/fd.hpp"
#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <glib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>

namespace ginsttest::impact {
namespace {

namespace fs = std::filesystem;

// Deeper than any real wrapper chain; stops a script that names itself as its interpreter.
constexpr int max_depth = 8;

bool is_assignment(std::string_view word) {
  const auto eq = word.find('=');
  if (eq == 0 || eq == std::string_view::npos) {
    return false;
  }
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq),
                     [](char c) { return c == '_' || g_ascii_isalnum(c); }) &&
         !g_ascii_isdigit(word[0]);
}

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Shell reserved words that may start a simple command before its program.
bool is_keyword(std::string_view word) {
  return one_of(word, {"!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while",
                       "until", "time"});
}

// Builtins of every POSIX shell: they run no file. exec, command and . are followed instead.
bool is_builtin(std::string_view word) {
  return one_of(word,
                {":",     "true",   "false",  "cd",    "echo",  "printf", "exit",  "export",
                 "set",   "unset",  "test",   "[",     "read",  "shift",  "trap",  "wait",
                 "local", "return", "ulimit", "umask", "alias", "type",   "break", "continue"});
}

bool is_shell(std::string_view base) {
  return one_of(base, {"sh", "bash", "dash", "ksh", "mksh", "zsh"});
}

bool is_executable_file(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

// A script's "#!PROGRAM [ARG]" line, as the kernel reads it (the first 255 bytes; one
// argument, spaces and all); nullopt for a file that does not start with "#!".
struct Shebang {
  std::string program;
  std::string arg;
};
util::Expected<std::optional<Shebang>> read_shebang(const fs::path& script) {
  // A test's files may be anything: never block on a FIFO or a device, never read more than
  // the kernel would.
  util::Fd fd{::open(script.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::optional<Shebang>{};
  }
  std::array<char, 256> head{};
  const ssize_t n = ::read(fd.get(), head.data(), head.size());
  const std::string_view text{head.data(), n > 0 ? static_cast<std::size_t>(n) : 0};
  if (!text.starts_with("#!")) {
    return std::optional<Shebang>{};
  }
  const std::string line{text.substr(2, text.find('\n') - 2)};
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string::npos) {
    return util::unexpected(fmt::format("{}: an empty #! line", script.string()));
  }
  const auto end = line.find_first_of(" \t", start);
  Shebang shebang{line.substr(start, end - start), {}};
  if (end != std::string::npos) {
    const auto arg_start = line.find_first_not_of(" \t", end);
    if (arg_start != std::string::npos) {
      shebang.arg = line.substr(arg_start, line.find_last_not_of(" \t\r") + 1 - arg_start);
    }
  }
  return std::optional<Shebang>{std::move(shebang)};
}

class Follower {
public:
  Follower(std::string_view path, ExecFiles& out) : m_path(path), m_out(out) {}

  void command(std::vector<std::string> words, int depth);

private:
  std::size_t program_word(const std::vector<std::string>& words);
  bool shell_builtin(const std::string& name, std::vector<std::string>& args, int depth);
  std::optional<fs::path> resolve(const std::string& name, bool executable);
  void add(const fs::path& file);
  void problem(std::string text) { m_out.problems.push_back(std::move(text)); }
  void assignment(std::string_view word);
  void env(std::vector<std::string> args, int depth);
  void shell(std::string_view shell_name, std::vector<std::string> args, int depth);
  void interpreter(const fs::path& script, int depth);

  std::string_view m_path;
  ExecFiles& m_out;
  // The arguments after `sh -c TEXT NAME`, which TEXT runs as "$@" (dbus's wrappers do).
  std::vector<std::string> m_positional;
};

void Follower::add(const fs::path& file) {
  if (std::find(m_out.files.begin(), m_out.files.end(), file) == m_out.files.end()) {
    m_out.files.push_back(file);
  }
}

// `name` as execvp finds it (PATH for a bare name); a script given to a shell need not be
// executable.
std::optional<fs::path> Follower::resolve(const std::string& name, bool executable) {
  if (name.find('/') != std::string::npos) {
    if (name.front() != '/') {
      problem(fmt::format("{}: a relative path (tests run in an empty directory)", name));
      return std::nullopt;
    }
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0) {
      problem(fmt::format("{}: {}", name, util::errno_text(errno)));
      return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
      problem(fmt::format("{}: not a regular file", name));
      return std::nullopt;
    }
    return fs::path{name};
  }
  std::string_view rest = m_path;
  while (true) {
    const auto colon = rest.find(':');
    const auto dir = rest.substr(0, colon);
    const fs::path candidate = fs::path{dir.empty() ? "." : dir} / name;
    if (candidate.is_absolute() &&
        (executable ? is_executable_file(candidate) : fs::is_regular_file(candidate))) {
      return candidate;
    }
    if (colon == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(colon + 1);
  }
  problem(fmt::format("{}: not found in PATH", name.empty() ? "''" : name));
  return std::nullopt;
}

// LD_PRELOAD=/path/lib.so loads that library into the program: it is followed like a program.
void Follower::assignment(std::string_view word) {
  if (!word.starts_with("LD_PRELOAD=")) {
    return;
  }
  util::GStrvPtr entries{g_strsplit_set(std::string{word.substr(11)}.c_str(), ": ", -1)};
  for (char** entry = entries.get(); *entry; entry++) {
    if (**entry == '/' && fs::exists(*entry)) {
      add(*entry);
    }
  }
}

// The index of the word naming the program: leading assignments (noted, for LD_PRELOAD),
// redirections and reserved words are passed over.
std::size_t Follower::program_word(const std::vector<std::string>& words) {
  std::size_t i = 0;
  while (i < words.size()) {
    if (const auto redirection = redirection_words(words, i)) {
      i += redirection;
    } else if (is_assignment(words[i])) {
      assignment(words[i++]);
    } else if (is_keyword(words[i])) {
      i++;
    } else {
      break;
    }
  }
  return i;
}

// What the shell does itself with `name`; false when `name` is a program to find.
bool Follower::shell_builtin(const std::string& name, std::vector<std::string>& args, int depth) {
  if (name == "exec" || name == "command") {
    const auto start = *wrapped_command(name, args);
    command({args.begin() + static_cast<std::ptrdiff_t>(start), args.end()}, depth + 1);
  } else if (name == "eval") {
    std::string text;
    for (const auto& arg : args) {
      text += arg + " ";
    }
    std::vector<std::string> problems;
    for (auto& words : shell_commands(text, problems)) {
      command(std::move(words), depth + 1);
    }
    for (auto& text_problem : problems) {
      problem(fmt::format("eval: {}", text_problem));
    }
  } else if (name == "." || name == "source") {
    if (!args.empty()) {
      if (auto script = resolve(args.front(), false)) {
        add(*script);
      }
    }
  } else if ((name == "$@" || name == "${@}") && !m_positional.empty()) {
    std::vector<std::string> positional = m_positional;
    positional.insert(positional.end(), args.begin(), args.end());
    command(std::move(positional), depth + 1);
  } else if (name.find('$') != std::string::npos || name.find('`') != std::string::npos) {
    problem(fmt::format("{}: a program named by the shell at run time", name));
  } else {
    return is_builtin(name);
  }
  return true;
}

void Follower::command(std::vector<std::string> words, int depth) {
  if (depth > max_depth) {
    problem(fmt::format("{}: wrappers nested too deeply", words.empty() ? "" : words.front()));
    return;
  }
  const std::size_t i = program_word(words);
  if (i == words.size() || words[i].empty() || words[i] == "for" || words[i] == "case" ||
      words[i] == "in") {
    return; // nothing is run here, or a loop header: its body comes as commands of their own
  }
  std::vector<std::string> args{words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end()};
  const std::string& name = words[i];
  if (shell_builtin(name, args, depth)) {
    return;
  }
  const auto program = resolve(name, true);
  if (!program) {
    return;
  }
  add(*program);
  const std::string base = fs::path{name}.filename();
  if (base == "env") {
    env(std::move(args), depth + 1);
  } else if (const auto start = wrapped_command(base, args)) {
    command({args.begin() + static_cast<std::ptrdiff_t>(*start), args.end()}, depth + 1);
  } else if (is_shell(base)) {
    shell(base, std::move(args), depth + 1);
  } else {
    interpreter(*program, depth + 1);
  }
}

// env [-i] [-u NAME] [-C DIR] [-S 'TEXT'] [NAME=VALUE]... [COMMAND [ARG]...]; options may be
// clustered (-iu NAME) or attached (-uNAME, --unset=NAME).
void Follower::env(std::vector<std::string> args, int depth) {
  for (std::size_t i = 0; i < args.size(); i++) {
    const std::string& arg = args[i];
    std::optional<std::string> split_text; // -S's
    if (arg == "--") {
      command({args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end()}, depth);
      return;
    } else if (arg == "--unset" || arg == "--chdir") {
      i++;
    } else if (arg == "--split-string" || arg.starts_with("--split-string=")) {
      split_text = arg.size() > 14 ? arg.substr(15) : (i + 1 < args.size() ? args[++i] : "");
    } else if (arg.starts_with("--")) {
      continue;
    } else if (arg.size() > 1 && arg.front() == '-') {
      // The first of u, C or S takes the rest of the word, or the next one.
      const auto option = valued_option(arg, "uCS");
      if (option && arg[option->letter] == 'S') {
        split_text = option->value_in_next_word ? (i + 1 < args.size() ? args[++i] : "")
                                                : arg.substr(option->letter + 1);
      } else if (option && option->value_in_next_word) {
        i++;
      }
    } else if (is_assignment(arg)) {
      assignment(arg);
    } else if (!arg.empty() && arg != "-") {
      command({args.begin() + static_cast<std::ptrdiff_t>(i), args.end()}, depth);
      return;
    }
    if (split_text) {
      std::vector<std::string> problems;
      auto split = shell_commands(*split_text, problems);
      std::vector<std::string> rest = split.empty() ? std::vector<std::string>{} : split.front();
      rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      env(std::move(rest), depth);
      return;
    }
  }
}

// sh [OPTION]... -c 'TEXT' [NAME [ARG]...]  or  sh [OPTION]... SCRIPT [ARG]...
void Follower::shell(std::string_view shell_name, std::vector<std::string> args, int depth) {
  bool command_text = false;
  std::size_t i = 0;
  for (; i < args.size(); i++) {
    const std::string& arg = args[i];
    if (arg == "--") {
      i++;
      break;
    }
    if (arg == "-o" || arg == "+o" || arg == "-O" || arg == "+O" || arg == "--rcfile" ||
        arg == "--init-file") {
      i++;
    } else if (arg.starts_with("--")) {
      continue; // bash's long options (--norc, --posix...) take no argument
    } else if (arg.size() > 1 && (arg.front() == '-' || arg.front() == '+')) {
      command_text = command_text || arg.find('c') != std::string::npos;
    } else {
      break;
    }
  }
  if (i >= args.size()) {
    problem(fmt::format("{}: no script or command given", shell_name));
    return;
  }
  if (!command_text) {
    if (auto script = resolve(args[i], false)) {
      add(*script);
    }
    return;
  }
  const auto saved = std::move(m_positional);
  m_positional.assign(args.begin() + static_cast<std::ptrdiff_t>(std::min(i + 2, args.size())),
                      args.end());
  std::vector<std::string> problems;
  for (auto& words : shell_commands(args[i], problems)) {
    command(std::move(words), depth);
  }
  m_positional = saved;
  for (auto& text : problems) {
    problem(fmt::format("{} -c: {}", shell_name, text));
  }
}

// A script's "#!INTERPRETER [ARG]" line: the kernel runs the interpreter (through env when
// that is what it names).
void Follower::interpreter(const fs::path& script, int depth) {
  if (depth > max_depth) {
    problem(fmt::format("{}: #! interpreters nested too deeply", script.string()));
    return;
  }
  auto shebang = read_shebang(script);
  if (!shebang) {
    problem(shebang.error().what);
    return;
  }
  if (!*shebang) {
    return; // not a script
  }
  // The kernel runs the interpreter with the script as its argument: a shell named here runs
  // the script, so only env's arguments are followed (#!/usr/bin/env python3).
  const auto path = resolve((*shebang)->program, true);
  if (!path) {
    return;
  }
  add(*path);
  if (path->filename() != "env") {
    interpreter(*path, depth + 1);
    return;
  }
  // #!/usr/bin/env [-S] NAME [ARG]: NAME from PATH is the interpreter.
  const std::string& arg = (*shebang)->arg;
  std::vector<std::string> problems;
  const auto words = shell_commands(arg.starts_with("-S") ? arg.substr(2) : arg, problems);
  for (const auto& word : words.empty() ? std::vector<std::string>{} : words.front()) {
    if (!is_assignment(word) && !word.starts_with('-')) {
      if (auto found = resolve(word, true)) {
        add(*found);
        interpreter(*found, depth + 1);
      }
      return;
    }
  }
  problem(fmt::format("{}: no interpreter after env in its #! line", script.string()));
}

// Where a simple command ends, outside quotes: ; & | newline ( ) and backquotes. '&' after
// '<' or '>' is part of a redirection (2>&1), not a separator.
bool ends_command(std::string_view text, std::size_t i) {
  const char c = text[i];
  if (c == '&') {
    const bool redirect = (i > 0 && (text[i - 1] == '>' || text[i - 1] == '<')) ||
                          (i + 1 < text.size() && text[i + 1] == '>');
    return !redirect;
  }
  return c == ';' || c == '|' || c == '\n' || c == '(' || c == ')' || c == '`';
}

} // namespace

std::vector<std::vector<std::string>> shell_commands(std::string_view text,
                                                     std::vector<std::string>& problems) {
  std::vector<std::vector<std::string>> commands;
  auto flush = [&](std::string_view piece) {
    if (piece.find_first_not_of(" \t") == std::string_view::npos) {
      return;
    }
    const std::string copy{piece};
    int argc = 0;
    char** argv = nullptr;
    util::GErrorOut error;
    if (!g_shell_parse_argv(copy.c_str(), &argc, &argv, error.out())) {
      problems.push_back(fmt::format("cannot split '{}': {}", copy, error.message()));
      return;
    }
    util::GStrvPtr owned{argv};
    commands.emplace_back(argv, argv + argc);
  };
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    if (quote) {
      if (c == '\\' && quote == '"') {
        i++;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\\') {
      i++;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == start || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      flush(text.substr(start, i - start)); // a comment runs to the end of the line
      const auto nl = text.find('\n', i);
      i = nl == std::string_view::npos ? text.size() : nl;
      start = i + 1;
    } else if (ends_command(text, i)) {
      flush(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quote) {
    problems.push_back(fmt::format("cannot split '{}': an unmatched quote", text));
    return commands;
  }
  if (start < text.size()) {
    flush(text.substr(start));
  }
  return commands;
}

ExecFiles exec_files(const core::TestSpec& spec, std::string_view path) {
  ExecFiles out;
  std::string test_path{path};
  std::vector<std::string> words;
  for (const auto& [key, value] : spec.environment) {
    if (key == "PATH") {
      test_path = value;
    } else if (key == "LD_PRELOAD") {
      words.push_back(key + "=" + value);
    }
  }
  words.insert(words.end(), spec.argv.begin(), spec.argv.end());
  Follower follower{test_path, out};
  follower.command(std::move(words), 0);
  return out;
}

} // namespace ginsttest::impact
