#include "session/shared_tmp.hpp"

#include <sys/stat.h>

#include <algorithm>

namespace ginsttest::session {
namespace {

constexpr std::string_view file_uri = "file://";
// What may come before a path in a command line, a path list or a D-Bus address.
constexpr std::string_view starts_after = " \t\n'\"=:,;";
// What ends the first component of the path there.
constexpr std::string_view ends_at = "/ \t\n'\"=:,;";
// Symlinks in a place pointing into it are followed this many times at most.
constexpr int max_links = 8;

void add_once(std::vector<std::string>& entries, std::string entry) {
  if (std::find(entries.begin(), entries.end(), entry) == entries.end()) {
    entries.push_back(std::move(entry));
  }
}

bool starts_a_path(std::string_view text, std::size_t at) {
  return at == 0 || starts_after.find(text[at - 1]) != std::string_view::npos ||
         text.substr(0, at).ends_with(file_uri);
}

// The variables of the runner, not the test, whose paths the test does not need.
bool not_the_tests(std::string_view var) {
  return var.starts_with("TMPDIR=") || var.starts_with("PWD=") || var.starts_with("OLDPWD=");
}

// The entry of `place` (found at `host`) the symlink `host`/`entry` points into, or "".
std::string link_target_entry(std::string_view place, const std::filesystem::path& host,
                              const std::string& entry) {
  std::error_code ec;
  const auto target = std::filesystem::read_symlink(host / entry, ec);
  if (ec) {
    return {};
  }
  const auto text = target.is_absolute()
                        ? target.lexically_normal().string()
                        : (std::filesystem::path{place} / target).lexically_normal().string();
  auto named = entries_named(text, place);
  return named.empty() || !text.starts_with(std::string{place} + "/") ? std::string{}
                                                                      : named.front();
}

} // namespace

std::vector<std::string> entries_named(std::string_view text, std::string_view place) {
  const std::string prefix = std::string{place} + "/";
  std::vector<std::string> entries;
  for (auto at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, at + 1)) {
    if (!starts_a_path(text, at)) {
      continue; // part of another path: /var/tmp/x for /tmp
    }
    const auto name_start = at + prefix.size();
    const auto name_end =
        std::min(text.find_first_of(at == 0 ? "/" : ends_at, name_start), text.size());
    const auto name = text.substr(name_start, name_end - name_start);
    if (!name.empty() && name != "." && name != "..") {
      add_once(entries, std::string{name});
    }
  }
  return entries;
}

std::vector<std::string> tmp_entries_named(std::string_view text) {
  return entries_named(text, tmp_place);
}

std::vector<std::string> shared_tmp_entries(const core::TestSpec& spec, const std::string& program,
                                            const util::EnvList& env,
                                            const std::filesystem::path& tmp) {
  return shared_entries(spec, program, env, tmp_place, tmp);
}

std::vector<std::string> shared_entries(const core::TestSpec& spec, const std::string& program,
                                        const util::EnvList& env, std::string_view place,
                                        const std::filesystem::path& host) {
  // Where the test itself lies: kept whatever it is (a script installed as /tmp/t.sh).
  std::vector<std::string> own{spec.root.string(), spec.file.string(), program};
  for (const std::filesystem::path& path : {spec.root, std::filesystem::path{program}}) {
    std::error_code ec;
    if (auto real = std::filesystem::weakly_canonical(path, ec); !ec) {
      own.push_back(real.string());
    }
  }
  // What it names: kept when it is a place (a directory, a socket, a symlink), not a file.
  std::vector<std::string> named = spec.argv;
  for (const auto& [name, value] : spec.environment) {
    named.push_back(name + "=" + value);
  }
  std::copy_if(env.begin(), env.end(), std::back_inserter(named),
               [](const std::string& var) { return !not_the_tests(var); });

  std::vector<std::string> entries;
  if (place == tmp_place) {
    entries.emplace_back(x11_socket_dir);
  }
  auto keep = [&](const std::vector<std::string>& texts, bool any_kind) {
    for (const auto& text : texts) {
      for (auto& entry : entries_named(text, place)) {
        struct stat st {};
        if (::lstat((host / entry).c_str(), &st) == 0 &&
            (any_kind || S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISLNK(st.st_mode))) {
          add_once(entries, std::move(entry));
        }
      }
    }
  };
  keep(own, true);
  keep(named, false);
  // A symlink kept is followed into /tmp: /tmp/prefix -> /tmp/prefix-1.2.
  for (std::size_t i = 0, links = 0; i < entries.size() && links < max_links; i++) {
    struct stat st {};
    if (::lstat((host / entries[i]).c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      links++;
      if (auto target = link_target_entry(place, host, entries[i]); !target.empty()) {
        add_once(entries, std::move(target));
      }
    }
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

} // namespace ginsttest::session
