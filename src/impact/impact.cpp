#include "impact/impact.hpp"

#include "impact/exec_programs.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ginsttest::impact {
namespace {

namespace fs = std::filesystem;

std::string canonical_name(const fs::path& path) {
  std::error_code ec;
  auto resolved = fs::canonical(path, ec);
  return ec ? path.lexically_normal().string() : resolved.string();
}

// What a SONAME looks like: "libfoo.so.1", "libfoo-2.0.so", "ld-linux-x86-64.so.2".
bool looks_like_soname(std::string_view what) {
  const auto so = what.find(".so");
  return so != std::string_view::npos && so > 0 && (so + 3 == what.size() || what[so + 3] == '.');
}

} // namespace

// The reasons found for one test, each kind told once.
struct Analyzer::Reasons {
  std::string file;    // "links X via P", "runs P", "cannot analyse ..."
  std::string package; // "package P depends on Q"
  std::vector<std::string> symbols;
  bool affected = false;
};

util::Expected<std::unique_ptr<Analyzer>> Analyzer::create(ImpactOptions options) {
  std::unique_ptr<Analyzer> analyzer{new Analyzer{std::move(options)}};
  LoaderOptions loader_options;
  loader_options.ld_library_path = analyzer->m_options.ld_library_path;
  loader_options.wanted_symbols = analyzer->m_options.changed_symbols;
  auto loader = Loader::create(std::move(loader_options));
  if (!loader) {
    return util::unexpected(loader.error());
  }
  analyzer->m_loader = std::move(*loader);
  if (!analyzer->m_options.affected_by.empty()) {
    auto packages = PackageIndex::open(analyzer->m_options.dpkg_admin_dir);
    if (!packages) {
      return util::unexpected(packages.error());
    }
    analyzer->m_packages = std::move(*packages);
  }
  for (const auto& what : analyzer->m_options.affected_by) {
    if (auto status = analyzer->add_target(what); !status) {
      return util::unexpected(status.error());
    }
  }
  return analyzer;
}

std::optional<std::string> Analyzer::package_manager() const {
  if (!m_packages) {
    return std::nullopt;
  }
  return std::string{m_packages->manager()};
}

void Analyzer::add_target_file(const fs::path& file, const std::string& label) {
  m_target_files.emplace(canonical_name(file), label);
}

// The installed package `what` names: as given, or without an architecture ("libfoo1:amd64",
// as dpkg -S prints it).
std::optional<std::string> Analyzer::package_named(const std::string& what) const {
  if (!m_packages) {
    return std::nullopt;
  }
  for (const auto& name : {what, what.substr(0, what.find(':'))}) {
    if (m_packages->installed(name)) {
      return name;
    }
  }
  return std::nullopt;
}

util::Status Analyzer::add_target(const std::string& what) {
  std::optional<fs::path> file;
  if (what.find('/') != std::string::npos) {
    std::error_code ec;
    if (!fs::exists(what, ec)) {
      return util::unexpected(fmt::format("--affected-by={}: no such file", what));
    }
    if (fs::is_directory(what, ec)) {
      // Packages share directories: which one changed cannot be told from one.
      return util::unexpected(fmt::format(
          "--affected-by={}: a directory (name a file in it, a SONAME or a package)", what));
    }
    file = fs::absolute(what);
  } else if (looks_like_soname(what)) {
    file = m_loader->find_library(what);
    if (!file) {
      return util::unexpected(
          fmt::format("--affected-by={}: no such library where the dynamic loader looks", what));
    }
  } else if (const auto package = package_named(what)) {
    m_target_packages.push_back(*package);
    for (const auto& path : m_packages->files(*package)) {
      std::error_code ec;
      if (fs::is_regular_file(path, ec)) {
        add_target_file(path, path.filename().string());
      }
    }
    return util::Ok{};
  } else {
    return util::unexpected(
        fmt::format("--affected-by={}: no such file, library or installed package{}", what,
                    m_packages ? "" : " (no package manager found)"));
  }
  // A file: the change is that file, and the package it belongs to.
  add_target_file(*file, what.find('/') != std::string::npos ? file->string() : what);
  if (m_packages) {
    if (auto owner = m_packages->owner(*file)) {
      m_target_packages.push_back(*owner);
    }
  }
  return util::Ok{};
}

void Analyzer::follow_files(const core::TestSpec& spec, Reasons& reasons) {
  const auto exec = exec_files(spec, m_options.path);
  if (!exec.problems.empty()) {
    reasons.affected = true;
    reasons.file = fmt::format("cannot analyse its Exec: {}", exec.problems.front());
  }
  const bool targets = !m_target_files.empty();
  for (const auto& file : exec.files) {
    if (targets && reasons.file.empty()) {
      if (auto it = m_target_files.find(canonical_name(file)); it != m_target_files.end()) {
        reasons.affected = true;
        reasons.file = fmt::format("runs {}", file.string());
      }
    }
    auto closure = m_loader->closure(file);
    if (!closure) {
      reasons.affected = true;
      if (reasons.file.empty()) {
        reasons.file = fmt::format("cannot analyse {}", closure.error().what);
      }
      continue;
    }
    if (!*closure) {
      continue; // a script: its interpreter is among the files
    }
    const Closure& objects = ***closure;
    if (targets && reasons.file.empty() && !objects.missing.empty()) {
      reasons.affected = true;
      reasons.file = fmt::format("cannot find {}", objects.missing.front());
    }
    for (const auto& object : objects.objects) {
      if (targets && reasons.file.empty() && m_target_files.contains(object.path.string())) {
        reasons.affected = true;
        reasons.file = fmt::format("links {} via {}", object.name, file.string());
      }
      for (const auto& symbol : object.elf->imports) {
        if (std::find(reasons.symbols.begin(), reasons.symbols.end(), symbol) ==
            reasons.symbols.end()) {
          reasons.symbols.push_back(symbol);
        }
      }
    }
  }
}

void Analyzer::follow_package(const core::TestSpec& spec, Reasons& reasons) {
  if (!m_packages || m_target_packages.empty()) {
    return;
  }
  const auto owner = m_packages->owner(spec.file);
  if (!owner) {
    return;
  }
  for (const auto& target : m_target_packages) {
    const auto chain = m_packages->dependency_chain(*owner, target);
    if (chain.empty()) {
      continue;
    }
    reasons.affected = true;
    if (chain.size() == 1) {
      reasons.package = fmt::format("package {} is changed", *owner);
    } else if (chain.size() == 2) {
      reasons.package = fmt::format("package {} depends on {}", *owner, target);
    } else {
      std::string through;
      for (std::size_t i = 1; i + 1 < chain.size(); i++) {
        through += (i > 1 ? ", " : "") + chain[i];
      }
      reasons.package =
          fmt::format("package {} depends on {} (through {})", *owner, target, through);
    }
    return;
  }
}

Impact Analyzer::analyse(const core::TestSpec& spec) {
  Impact impact;
  Reasons reasons;
  if (spec.load_error) {
    // Run, so that its ERROR is seen.
    impact.affected = true;
    impact.why = fmt::format("cannot analyse: {}", *spec.load_error);
    return impact;
  }
  if (m_target_files.contains(canonical_name(spec.file))) {
    reasons.affected = true;
    reasons.file = fmt::format("is {}", spec.file.string());
  }
  follow_files(spec, reasons);
  follow_package(spec, reasons);
  impact.affected = m_options.affected_by.empty() || reasons.affected;
  impact.uses_changed_symbols = !reasons.symbols.empty();
  std::vector<std::string> parts;
  if (!m_options.affected_by.empty()) {
    for (const auto* part : {&reasons.file, &reasons.package}) {
      if (!part->empty()) {
        parts.push_back(*part);
      }
    }
  }
  if (!reasons.symbols.empty()) {
    constexpr std::size_t shown = 3;
    std::string uses = "uses ";
    for (std::size_t i = 0; i < reasons.symbols.size() && i < shown; i++) {
      uses += (i ? ", " : "") + reasons.symbols[i];
    }
    if (reasons.symbols.size() > shown) {
      uses += fmt::format(" and {} more", reasons.symbols.size() - shown);
    }
    parts.push_back(std::move(uses));
  }
  for (std::size_t i = 0; i < parts.size(); i++) {
    impact.why += (i ? "; " : "") + parts[i];
  }
  // It quotes the test's own paths and words: nothing in it may drive a terminal.
  std::replace_if(
      impact.why.begin(), impact.why.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; }, '?');
  return impact;
}

} // namespace ginsttest::impact
