// `cdc-agent check` on a PostgreSQL configuration runs the PostgreSQL preflight (one line per check)
// and the Kafka check, changes nothing, and exits 0 when nothing fails; a wrong password exits non-zero.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>

#include "tests/integration/pg_source_support.h"

namespace cdc::pg::test {
namespace {

class PgSourceCheck : public PgSourceTest {
 protected:
  // Runs `cdc-agent check -c config`; returns the exit code, output in `out`.
  int check(const std::string& config, std::string& out) {
    std::string path = config + ".out";
    std::string binary = std::string(std::getenv("CDC_BINARY_DIR")) + "/src/main/cdc-agent";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<std::string> args{binary, "check", "-c", config};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ) != 0) throw std::runtime_error("spawn");
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    ::waitpid(pid, &status, 0);
    out = read_file(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(PgSourceCheck, PassesOnTheTestServerAndChangesNothing) {
  std::string t = create_table("check", "(id int PRIMARY KEY)");
  std::string out;
  EXPECT_EQ(check(write_config({t}), out), 0) << out;
  for (const char* line : {"PASS wal_level", "PASS replication_slots", "PASS slot", "PASS publication", "PASS kafka"})
    EXPECT_NE(out.find(line), std::string::npos) << line << " missing in:\n" << out;
  EXPECT_EQ(pg().scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + name() + "'"), "0");
  EXPECT_EQ(pg().scalar("SELECT count(*) FROM pg_publication WHERE pubname = '" + name() + "'"), "0");
}

TEST_F(PgSourceCheck, WrongPasswordFails) {
  std::string t = create_table("check_pw", "(id int PRIMARY KEY)");
  std::string config = write_config({t});
  std::string yaml = read_file(config);
  auto at = yaml.find("password: ");
  yaml.replace(at, yaml.find('\n', at) - at, "password: wrong-password");
  std::ofstream(config) << yaml;
  std::string out;
  EXPECT_NE(check(config, out), 0) << out;
  EXPECT_NE(out.find("FAIL connect"), std::string::npos) << out;
}

}  // namespace
}  // namespace cdc::pg::test
