#include "impact/exec_programs.hpp"
#include "impact/wrappers.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;
using Words = std::vector<std::vector<std::string>>;
using Paths = std::vector<fs::path>;

namespace {

// A directory standing in for PATH, with executable scripts and programs in it.
struct Bin {
  util::Expected<util::TempDir> dir =
      util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);

  fs::path add(const std::string& name, const std::string& text, fs::perms mode = fs::perms{0755}) {
    const fs::path path = dir->path() / name;
    std::ofstream{path} << text;
    fs::permissions(path, mode);
    return path;
  }
  std::string path() const { return dir->path().string() + ":/usr/bin:/bin"; }
};

core::TestSpec exec(std::vector<std::string> argv) {
  core::TestSpec spec;
  spec.argv = std::move(argv);
  return spec;
}

} // namespace

TEST_CASE("shell text is split into simple commands") {
  std::vector<std::string> problems;
  using impact::shell_commands;
  CHECK(shell_commands("a x; b | c && d || e & f", problems) ==
        Words{{"a", "x"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}});
  // Quotes keep separators; redirections with '&' are not separators.
  CHECK(shell_commands(R"(env A='x;y' p "q|r" 2>&1 >/dev/null)", problems) ==
        Words{{"env", "A=x;y", "p", "q|r", "2>&1", ">/dev/null"}});
  CHECK(shell_commands("(cd /x && ./run) # done; not this\nnext", problems) ==
        Words{{"cd", "/x"}, {"./run"}, {"next"}});
  CHECK(problems.empty());
  CHECK(shell_commands("p 'unclosed", problems).empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().find("unmatched quote") != std::string::npos);
}

TEST_CASE("the program of a plain Exec, found in PATH or by its path") {
  Bin bin;
  const auto prog = bin.add("prog", "\x7f"
                                    "ELF not really");
  auto files = impact::exec_files(exec({"prog", "--tap"}), bin.path());
  CHECK(files.files == Paths{prog});
  CHECK(files.problems.empty());
  files = impact::exec_files(exec({prog.string()}), "");
  CHECK(files.files == Paths{prog});
  // Not executable: not what execvp would run.
  bin.add("data", "x", fs::perms{0644});
  files = impact::exec_files(exec({"data"}), bin.path());
  CHECK(files.files.empty());
  CHECK(files.problems == std::vector<std::string>{"data: not found in PATH"});
  files = impact::exec_files(exec({"./prog"}), bin.path());
  CHECK(files.problems.front().find("relative path") != std::string::npos);
  files = impact::exec_files(exec({"/nonexistent/prog"}), bin.path());
  CHECK(files.problems == std::vector<std::string>{"/nonexistent/prog: No such file or directory"});
}

TEST_CASE("programs behind env, sh -c and sh SCRIPT, as installed tests write them") {
  Bin bin;
  const auto prog = bin.add("prog", "");
  const auto other = bin.add("other", "");
  const auto script = bin.add("script.sh", "echo hi\n", fs::perms{0644});
  const fs::path env = "/usr/bin/env";
  const fs::path sh = "/bin/sh";
  // GTK's: /bin/sh -c "env VAR=x prog --tap -k"
  auto files = impact::exec_files(
      exec({"/bin/sh", "-c",
            "env GDK_DEBUG=clipboard G_ENABLE_DIAGNOSTIC=0 " + prog.string() + " --tap -k"}),
      bin.path());
  CHECK(files.files == Paths{sh, env, prog});
  CHECK(files.problems.empty());
  // ostree's: env G_TEST_SRCDIR=... prog; env's options skipped.
  files = impact::exec_files(exec({"env", "-u", "X", "-i", "A=b", "prog"}), bin.path());
  CHECK(files.files == Paths{env, prog});
  files = impact::exec_files(exec({"env", "-S", "A=1 prog -x"}), bin.path());
  CHECK(files.files == Paths{env, prog});
  // gjs's: sh SCRIPT (run by the shell, so it need not be executable).
  files = impact::exec_files(exec({"sh", script.string()}), bin.path());
  CHECK(files.files == Paths{"/usr/bin/sh", script});
  CHECK(files.problems.empty());
  // Several commands, builtins and keywords skipped, exec followed.
  files = impact::exec_files(
      exec({"bash", "-ec", "cd /tmp; if true; then exec prog; fi; other | prog 2>&1"}), bin.path());
  CHECK(files.files.size() == 3);
  CHECK(files.files[1] == prog);
  CHECK(files.files[2] == other);
  CHECK(files.problems.empty());
  // What cannot be known before the run is said.
  files = impact::exec_files(exec({"sh", "-c", "$PROG --tap"}), bin.path());
  CHECK(files.problems.size() == 1);
  files = impact::exec_files(exec({"sh", "-c", "nosuchprogram"}), bin.path());
  CHECK(files.problems == std::vector<std::string>{"nosuchprogram: not found in PATH"});
}

TEST_CASE("a script's #! interpreter, through env too; LD_PRELOAD libraries") {
  Bin bin;
  const auto python = bin.add("python3", "");
  const auto direct = bin.add("direct", "#!" + python.string() + " -u\nprint()\n");
  const auto via_env = bin.add("via-env", "#!/usr/bin/env python3\nprint()\n");
  const auto looping = bin.add("loop", "#!" + (bin.dir->path() / "loop").string() + "\n");
  auto files = impact::exec_files(exec({direct.string()}), bin.path());
  CHECK(files.files == Paths{direct, python});
  files = impact::exec_files(exec({"via-env"}), bin.path());
  CHECK(files.files == Paths{via_env, "/usr/bin/env", python});
  files = impact::exec_files(exec({"loop"}), bin.path());
  CHECK(files.files == Paths{looping});
  CHECK(files.problems.size() == 1); // nested too deeply, not forever
  // GLib's gsocketclient-slow: env LD_PRELOAD=lib.so prog; and TestEnvironment's PATH.
  const auto preload = bin.add("slow.so", "");
  auto spec = exec({"/usr/bin/env", "LD_PRELOAD=" + preload.string(), "prog"});
  bin.add("prog", "");
  files = impact::exec_files(spec, "/usr/bin");
  CHECK(files.problems == std::vector<std::string>{"prog: not found in PATH"});
  spec.environment = {{"PATH", bin.dir->path().string()}};
  files = impact::exec_files(spec, "/usr/bin");
  CHECK(files.files == Paths{"/usr/bin/env", preload, bin.dir->path() / "prog"});
}

TEST_CASE("wrappers: where the command they run starts") {
  using impact::wrapped_command;
  using Args = std::vector<std::string>;
  CHECK(wrapped_command("timeout", Args{"-k", "5", "60", "prog", "-x"}) == 3u);
  CHECK(wrapped_command("timeout", Args{"--signal=INT", "10s", "prog"}) == 2u);
  CHECK(wrapped_command("dbus-run-session", Args{"--", "prog"}) == 1u);
  CHECK(wrapped_command("xvfb-run", Args{"-a", "-s", "-screen 0 1x1x8", "prog"}) == 3u);
  CHECK(wrapped_command("exec", Args{"-a", "name", "prog"}) == 2u);
  CHECK(wrapped_command("nice", Args{"-n5", "prog"}) == 1u);
  CHECK(wrapped_command("command", Args{"-v", "prog"}) == 2u); // looks it up, runs nothing
  CHECK(wrapped_command("command", Args{"-p", "prog"}) == 1u);
  CHECK(wrapped_command("timeout", Args{"-k"}) == 1u);
  CHECK_FALSE(wrapped_command("gio", Args{"version"}));
}

TEST_CASE("redirections before a program are passed over") {
  using impact::redirection_words;
  using Words1 = std::vector<std::string>;
  CHECK(redirection_words(Words1{">/dev/null", "prog"}, 0) == 1u);
  CHECK(redirection_words(Words1{"2>&1", "prog"}, 0) == 1u);
  CHECK(redirection_words(Words1{"2>", "/dev/null", "prog"}, 0) == 2u);
  CHECK(redirection_words(Words1{"&>>", "log", "prog"}, 0) == 2u);
  CHECK(redirection_words(Words1{"<in"}, 0) == 1u);
  CHECK(redirection_words(Words1{"prog"}, 0) == 0u);
  CHECK(redirection_words(Words1{"42"}, 0) == 0u);
  CHECK(redirection_words(Words1{"-"}, 0) == 0u);
}

TEST_CASE("wrapped programs and redirections in Exec lines") {
  Bin bin;
  const auto prog = bin.add("prog", "");
  const std::vector<std::string> texts{">/dev/null " + prog.string() + " x",
                                       "2> /dev/null exec -a name prog",
                                       "timeout -k 5 60 prog --tap",
                                       "command -p prog",
                                       "eval prog --tap",
                                       "dbus-run-session -- env -iu HOME prog"};
  for (const auto& text : texts) {
    CAPTURE(text);
    const auto files = impact::exec_files(exec({"sh", "-c", text}), bin.path());
    CHECK(std::find(files.files.begin(), files.files.end(), prog) != files.files.end());
    CHECK(files.problems.empty());
  }
  // command -v only looks: nothing is run.
  const auto files = impact::exec_files(exec({"sh", "-c", "command -v prog"}), bin.path());
  CHECK(files.files == Paths{"/usr/bin/sh"});
}

TEST_CASE("a test's files that are no regular file are never opened to block") {
  Bin bin;
  const fs::path fifo = bin.dir->path() / "fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0700) == 0);
  const auto via_fifo = bin.add("via-fifo", "#!" + fifo.string() + "\n");
  // Each would block forever if opened for reading: the FIFO has no writer.
  auto files = impact::exec_files(exec({fifo.string()}), bin.path());
  CHECK(files.problems == std::vector<std::string>{fifo.string() + ": not a regular file"});
  files = impact::exec_files(exec({via_fifo.string()}), bin.path());
  CHECK(files.problems == std::vector<std::string>{fifo.string() + ": not a regular file"});
  files = impact::exec_files(exec({"sh", fifo.string()}), bin.path());
  CHECK(files.problems.size() == 1);
  files = impact::exec_files(exec({"/dev/zero"}), bin.path());
  CHECK(files.problems == std::vector<std::string>{"/dev/zero: not a regular file"});
  // A #! line without an end is read no further than the kernel reads it.
  const auto long_line = bin.add("long", "#!/bin/sh" + std::string(1 << 20, 'x'));
  files = impact::exec_files(exec({long_line.string()}), bin.path());
  REQUIRE(files.problems.size() == 1);
  CHECK(files.problems.front().size() < 300);
  // Empty words are no program.
  bin.add("prog", "");
  files = impact::exec_files(exec({"env", "", "prog"}), bin.path());
  CHECK(files.problems.empty());
  files = impact::exec_files(exec({"sh", "", "x"}), bin.path());
  CHECK(files.problems == std::vector<std::string>{"'': not found in PATH"});
}
