#include "session/shared_tmp.hpp"

#include <algorithm>
#include <filesystem>

namespace ginsttest::session {
namespace {

constexpr std::string_view tmp_prefix = "/tmp/";
// What may come before a path in a command line, a path list or a D-Bus address.
constexpr std::string_view starts_after = " \t\n'\"=:,;";
// What ends the first component of the path there.
constexpr std::string_view ends_at = "/ \t\n'\"=:,;";

void add_once(std::vector<std::string>& entries, std::string entry) {
  if (std::find(entries.begin(), entries.end(), entry) == entries.end()) {
    entries.push_back(std::move(entry));
  }
}

// The variables of the runner, not the test, whose paths the test does not need.
bool not_the_tests(std::string_view var) {
  return var.starts_with("TMPDIR=") || var.starts_with("PWD=") || var.starts_with("OLDPWD=");
}

} // namespace

std::vector<std::string> tmp_entries_named(std::string_view text) {
  std::vector<std::string> entries;
  for (auto at = text.find(tmp_prefix); at != std::string_view::npos;
       at = text.find(tmp_prefix, at + 1)) {
    if (at > 0 && starts_after.find(text[at - 1]) == std::string_view::npos) {
      continue; // part of another path: /var/tmp/x
    }
    const auto name_start = at + tmp_prefix.size();
    const auto name_end = std::min(text.find_first_of(ends_at, name_start), text.size());
    const auto name = text.substr(name_start, name_end - name_start);
    if (!name.empty() && name != "." && name != "..") {
      add_once(entries, std::string{name});
    }
  }
  return entries;
}

std::vector<std::string> shared_tmp_entries(const core::TestSpec& spec, const std::string& program,
                                            const util::EnvList& env) {
  std::vector<std::string> texts{spec.root.string(), spec.file.string(), program};
  // A root or program reached through a symlink may lie in /tmp only once resolved.
  for (const std::filesystem::path& path : {spec.root, std::filesystem::path{program}}) {
    std::error_code ec;
    if (auto real = std::filesystem::weakly_canonical(path, ec); !ec) {
      texts.push_back(real.string());
    }
  }
  texts.insert(texts.end(), spec.argv.begin(), spec.argv.end());
  std::copy_if(env.begin(), env.end(), std::back_inserter(texts),
               [](const std::string& var) { return !not_the_tests(var); });

  std::vector<std::string> entries{std::string{x11_socket_dir}};
  for (const auto& text : texts) {
    for (auto& entry : tmp_entries_named(text)) {
      entries.push_back(std::move(entry));
    }
  }
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  return entries;
}

} // namespace ginsttest::session
