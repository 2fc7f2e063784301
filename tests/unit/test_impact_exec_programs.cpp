#include "impact/exec_programs.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/types.h>

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
