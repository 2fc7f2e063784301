#include "report/json.hpp"

#include "report_results.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace ginsttest;
namespace fs = std::filesystem;

namespace {

// The line --json writes for `result`.
std::string json_record(const core::TestSpec& spec, const core::TestResult& result) {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "json");
  REQUIRE(dir);
  const fs::path file = dir->path() / "results.json";
  {
    auto json = report::Json::open(file);
    REQUIRE(json);
    (*json)->test_finished(spec, result);
  }
  std::ostringstream text;
  text << std::ifstream{file}.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("--json: a backtrace, whole, with addresses as strings and what says nothing left out") {
  const std::string record =
      json_record(testing::spec_named("grp/crash.test"), testing::crashed_result());
  INFO(record);
  CHECK(record.ends_with(
      R"(,"backtrace":{"source":"core","took_ms":250,)"
      R"("core_file":"/reports/grp_crash.test/core","core_bytes":2150000,"processes":[)"
      R"({"pid":4241,"command":"/usr/libexec/grp/helper --serve","error":"thread 4244 vanished",)"
      R"("threads":[{"tid":4241,"name":"helper","frames":[)"
      R"({"address":"0x7f0a2c3e9dd0","function":"poll","module":"/lib/libc.so.6"}]}]},)"
      R"({"pid":4242,"command":"/usr/libexec/grp/crash","threads":[)"
      R"({"tid":4242,"name":"crash","frames":[)"
      R"({"address":"0x55d0c0de1000","function":"wait_for_worker","file":"crash.c","line":20,)"
      R"("module":"/grp/crash"},)"
      R"({"address":"0x55d0c0de1100","function":"main","file":"crash.c","line":30,)"
      R"("module":"/grp/crash"}]},)"
      R"({"tid":4243,"name":"worker","crashed":true,"frames_cut":true,"frames":[)"
      R"({"address":"0x55d0c0de2000","function":"explode\u001b[2J","file":"crash.c","line":7,)"
      R"("module":"/grp/crash"},)"
      R"({"address":"0x7f0a2c3e0abc","module":"/lib/libc.so.6"}]}]}]}})"
      "\n"));
}

TEST_CASE("--json: live stacks have no core members; a test without a backtrace no member") {
  auto result = testing::crashed_result();
  result.backtrace->source = core::BacktraceSource::timeout;
  result.backtrace->core_file.reset();
  result.backtrace->core_bytes = 0;
  result.backtrace->processes.resize(1);
  const auto spec = testing::spec_named("grp/hang.test");
  const std::string record = json_record(spec, result);
  INFO(record);
  CHECK(
      record.find(R"(,"backtrace":{"source":"timeout","took_ms":250,"processes":[{"pid":4241,)") !=
      std::string::npos);
  CHECK(record.find("core_") == std::string::npos);
  result.backtrace.reset();
  CHECK(json_record(spec, result).find("backtrace") == std::string::npos);
}
