#include "impact/packages.hpp"

#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <glib.h>

#include <deque>
#include <fstream>
#include <sstream>

namespace ginsttest::impact {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\n");
  if (start == std::string_view::npos) {
    return {};
  }
  return text.substr(start, text.find_last_not_of(" \t\n") + 1 - start);
}

// "libc6 (>= 2.34)" -> "libc6"; "python3:any" -> "python3".
std::string package_name(std::string_view relation) {
  relation = trim(relation);
  return std::string{relation.substr(0, relation.find_first_of(" (:[<"))};
}

// A Depends-like field: groups split at ',', alternatives at '|'.
std::vector<std::vector<std::string>> relations(std::string_view field) {
  std::vector<std::vector<std::string>> groups;
  for (auto group : util::split(field, ',')) {
    std::vector<std::string> alternatives;
    for (auto alternative : util::split(group, '|')) {
      if (auto name = package_name(alternative); !name.empty()) {
        alternatives.push_back(std::move(name));
      }
    }
    if (!alternatives.empty()) {
      groups.push_back(std::move(alternatives));
    }
  }
  return groups;
}

// Status words under which a package's files are on disk.
bool files_present(std::string_view status) {
  const auto state = status.substr(status.rfind(' ') + 1);
  return state == "installed" || state == "unpacked" || state == "half-configured" ||
         state == "triggers-awaited" || state == "triggers-pending";
}

util::Expected<std::string> read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    return util::unexpected(fmt::format("{}: {}", path.string(), util::errno_text(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The standard output of `argv`; an error names the command.
util::Expected<std::string> command_output(std::vector<const char*> argv) {
  argv.push_back(nullptr);
  char* out = nullptr;
  int wait_status = 0;
  util::GErrorOut error;
  if (!g_spawn_sync(nullptr, const_cast<char**>(argv.data()), nullptr,
                    static_cast<GSpawnFlags>(G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL),
                    nullptr, nullptr, &out, nullptr, &wait_status, error.out())) {
    return util::unexpected(fmt::format("{}: {}", argv[0], error.message()));
  }
  util::GCharPtr owned{out};
  if (!g_spawn_check_wait_status(wait_status, nullptr)) {
    return util::unexpected(fmt::format("{} {} failed", argv[0], argv[1]));
  }
  return std::string{out};
}

// Each "NAME\tVALUE" line of `text`, as views into it.
template <typename F> void for_each_pair(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    const auto tab = line.find('\t');
    if (tab != std::string_view::npos) {
      f(line.substr(0, tab), line.substr(tab + 1));
    }
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  }
}

// The stanzas of a deb822 text, at blank lines.
std::vector<std::string_view> paragraphs(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto end = text.find("\n\n");
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 2);
  }
  return out;
}

// The other spellings of a path where /bin, /lib... are symlinks into /usr (Debian 12 and
// Fedora merged them; packages may list either).
std::vector<std::string> spellings(const fs::path& path) {
  // The file itself first: a symlink (libfoo.so of a -dev package, /usr/bin/foo of an
  // alternative) belongs to another package than the file it names.
  std::vector<std::string> out;
  std::error_code ec;
  if (auto resolved = fs::canonical(path, ec); !ec) {
    out.push_back(resolved.string());
  }
  if (auto given = path.lexically_normal().string(); out.empty() || given != out.front()) {
    out.push_back(std::move(given));
  }
  const std::size_t given = out.size();
  for (std::size_t i = 0; i < given; i++) {
    const std::string_view spelling = out[i];
    const bool in_usr = spelling.starts_with("/usr/");
    const std::string_view rest = spelling.substr(in_usr ? 4 : 0);
    const auto top = rest.substr(0, rest.find('/', 1)); // "/lib"
    if (fs::is_symlink(top, ec) && fs::read_symlink(top, ec) == fs::path{"usr"} / top.substr(1)) {
      out.push_back(in_usr ? std::string{rest} : "/usr" + std::string{rest});
    }
  }
  return out;
}

} // namespace

// rpm's capabilities are matched by their exact names ("libc.so.6()(64bit)", "perl(Foo::Bar)"),
// each Requires one group of its own; every package provides its own name.
util::Expected<PackageIndex> PackageIndex::from_rpm() {
  auto provides = command_output({"rpm", "-qa", "--qf", "[%{=NAME}\t%{PROVIDENAME}\n]"});
  auto requires_ = command_output({"rpm", "-qa", "--qf", "[%{=NAME}\t%{REQUIRENAME}\n]"});
  auto files = command_output({"rpm", "-qa", "--qf", "[%{=NAME}\t%{FILENAMES}\n]"});
  for (auto* result : {&provides, &requires_, &files}) {
    if (!*result) {
      return util::unexpected(result->error().what);
    }
  }
  PackageIndex index;
  index.m_manager = "rpm";
  for_each_pair(*provides, [&](std::string_view name, std::string_view capability) {
    index.m_packages.try_emplace(std::string{name});
    if (capability != name) {
      index.m_providers[std::string{capability}].emplace_back(name);
    }
  });
  for_each_pair(*requires_, [&](std::string_view name, std::string_view capability) {
    // rpmlib() features are the rpm program's own; rich dependencies are left out.
    if (!capability.starts_with("rpmlib(") && !capability.starts_with("(")) {
      index.m_packages[std::string{name}].depends.push_back({std::string{capability}});
    }
  });
  index.m_files_loaded = true;
  std::unordered_map<std::string, std::uint32_t> ids;
  const std::string& listed = index.m_file_lists.emplace_back(std::move(*files));
  for_each_pair(listed, [&](std::string_view name, std::string_view path) {
    auto [it, added] = ids.emplace(name, static_cast<std::uint32_t>(index.m_names.size()));
    if (added) {
      index.m_names.emplace_back(name);
    }
    index.add_file(path, it->second);
  });
  return index;
}

PackageIndex PackageIndex::from_dpkg_status(std::string_view status,
                                            std::optional<fs::path> admin_dir) {
  PackageIndex index;
  index.m_manager = "dpkg";
  index.m_admin_dir = std::move(admin_dir);
  for (auto stanza : paragraphs(status)) {
    std::string name;
    std::string state;
    std::string depends;
    std::string provides;
    std::string* field = nullptr; // the field a continuation line belongs to
    for (const auto& text : util::split(stanza, '\n')) {
      const std::string_view line = text;
      if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        if (field) {
          *field += line;
        }
        continue;
      }
      const auto colon = line.find(':');
      const auto key = line.substr(0, colon);
      const auto value = colon == std::string_view::npos ? "" : trim(line.substr(colon + 1));
      field = nullptr;
      if (key == "Package") {
        name = value;
      } else if (key == "Status") {
        state = value;
      } else if (key == "Depends" || key == "Pre-Depends") {
        depends += fmt::format("{}, ", value);
        field = &depends;
      } else if (key == "Provides") {
        provides = value;
        field = &provides;
      }
    }
    if (name.empty() || !files_present(state)) {
      continue;
    }
    auto& package = index.m_packages[name]; // a Multi-Arch package's stanzas are merged
    for (auto& group : relations(depends)) {
      package.depends.push_back(std::move(group));
    }
    for (const auto& group : relations(provides)) {
      index.m_providers[group.front()].push_back(name);
    }
  }
  return index;
}

util::Expected<std::optional<PackageIndex>> PackageIndex::open(const fs::path& dpkg_admin_dir) {
  const fs::path status_file = dpkg_admin_dir / "status";
  std::error_code ec;
  if (fs::exists(status_file, ec)) {
    auto status = read_file(status_file);
    if (!status) {
      return util::unexpected(status.error());
    }
    auto index = from_dpkg_status(*status, dpkg_admin_dir);
    if (!index.m_packages.empty()) {
      return std::optional<PackageIndex>{std::move(index)};
    }
  }
  if (util::GCharPtr rpm{g_find_program_in_path("rpm")}) {
    auto index = from_rpm();
    if (!index) {
      return util::unexpected(index.error());
    }
    return std::optional<PackageIndex>{std::move(*index)};
  }
  return std::optional<PackageIndex>{};
}

bool PackageIndex::installed(std::string_view package) const {
  return m_packages.contains(std::string{package});
}

std::vector<std::string> PackageIndex::installed_candidates(const std::string& name) const {
  std::vector<std::string> candidates;
  if (m_packages.contains(name)) {
    candidates.push_back(name);
  }
  if (auto it = m_providers.find(name); it != m_providers.end()) {
    candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  if (m_manager == "rpm" && name.starts_with('/')) {
    if (auto it = m_owners.find(name); it != m_owners.end()) {
      candidates.push_back(m_names[it->second]); // a file dependency (/bin/sh)
    }
  }
  return candidates;
}

const PackageIndex::Reach& PackageIndex::reach(const std::string& from) {
  if (auto it = m_reach.find(from); it != m_reach.end()) {
    return it->second;
  }
  // Breadth-first, so that the chain told is a shortest one.
  Reach reached{{from, from}};
  std::deque<std::string> queue{from};
  while (!queue.empty()) {
    const std::string current = std::move(queue.front());
    queue.pop_front();
    const auto package = m_packages.find(current);
    if (package == m_packages.end()) {
      continue;
    }
    for (const auto& group : package->second.depends) {
      for (const auto& alternative : group) {
        for (auto& candidate : installed_candidates(alternative)) {
          if (reached.emplace(candidate, current).second) {
            queue.push_back(std::move(candidate));
          }
        }
      }
    }
  }
  return m_reach.emplace(from, std::move(reached)).first->second;
}

std::vector<std::string> PackageIndex::dependency_chain(std::string_view from,
                                                        std::string_view to) {
  const Reach& reached = reach(std::string{from});
  auto it = reached.find(std::string{to});
  if (it == reached.end()) {
    return {};
  }
  std::vector<std::string> chain{std::string{to}};
  while (chain.back() != from) {
    chain.push_back(reached.at(chain.back()));
  }
  return {chain.rbegin(), chain.rend()};
}

void PackageIndex::add_file(std::string_view path, std::uint32_t package) {
  // The first package to list a path owns it (the others list a shared directory).
  m_owners.emplace(path, package);
}

// dpkg's info/PACKAGE.list (PACKAGE:ARCH.list for Multi-Arch: same), one path a line.
void PackageIndex::load_file_lists() {
  m_files_loaded = true;
  if (!m_admin_dir) {
    return;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(*m_admin_dir / "info", ec)) {
    const fs::path& file = entry.path();
    if (file.extension() != ".list") {
      continue;
    }
    auto text = read_file(file);
    if (!text) {
      continue; // a package being removed right now: it owns nothing any more
    }
    const std::string stem = file.stem().string();
    const auto id = static_cast<std::uint32_t>(m_names.size());
    m_names.push_back(stem.substr(0, stem.find(':')));
    std::string_view rest = m_file_lists.emplace_back(std::move(*text));
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      if (auto line = rest.substr(0, nl); !line.empty() && line != "/.") {
        add_file(line, id);
      }
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
  }
}

std::optional<std::string> PackageIndex::owner(const fs::path& path) {
  if (!m_files_loaded) {
    load_file_lists();
  }
  for (const auto& spelling : spellings(path)) {
    if (auto it = m_owners.find(spelling); it != m_owners.end()) {
      return m_names[it->second];
    }
  }
  return std::nullopt;
}

std::vector<fs::path> PackageIndex::files(std::string_view package) {
  std::vector<fs::path> out;
  if (m_manager == "rpm") {
    if (auto list = command_output({"rpm", "-ql", std::string{package}.c_str()})) {
      for (auto& line : util::split(*list, '\n')) {
        if (!line.empty()) {
          out.emplace_back(std::move(line));
        }
      }
    }
    return out;
  }
  if (!m_admin_dir) {
    return out;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(*m_admin_dir / "info", ec)) {
    const std::string stem = entry.path().stem().string();
    if (entry.path().extension() == ".list" && stem.substr(0, stem.find(':')) == package) {
      if (auto text = read_file(entry.path())) {
        for (auto& line : util::split(*text, '\n')) {
          if (!line.empty() && line != "/.") {
            out.emplace_back(std::move(line));
          }
        }
      }
    }
  }
  return out;
}

} // namespace ginsttest::impact
