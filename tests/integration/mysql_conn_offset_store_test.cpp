// The offset file survives everything short of the disk itself: a save is all-or-nothing even when the
// process is killed mid-save; a save that the system refuses (read-only directory, file-size limit)
// throws an error naming the path and the reason and leaves the previous position intact; a corrupt
// file is a clear configuration error, not a silent restart from scratch.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "mysql/conn/offset_store.h"
#include "util/error.h"

namespace cdc::mysql {
namespace {

namespace fs = std::filesystem;

class OffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cdc-offsets-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root / "state", fs::perms::owner_all, ec);
    fs::remove_all(root, ec);
  }
  static StoredOffset sample(uint64_t pos) {
    StoredOffset o;
    o.file = "mysql-bin.000003";
    o.pos = pos;
    o.gtid_set = "0-1-" + std::to_string(pos);
    o.flavor = "mariadb";
    o.server_id = 1;
    return o;
  }
  // Runs `fn` in a forked child and returns what it wrote to the pipe, and its exit status.
  template <class Fn>
  std::pair<std::string, int> in_child(Fn&& fn) {
    int p[2];
    EXPECT_EQ(::pipe(p), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(p[0]);
      std::string out;
      int rc = fn(out);
      ssize_t n = ::write(p[1], out.data(), out.size());
      ::_exit(n == static_cast<ssize_t>(out.size()) ? rc : 99);
    }
    ::close(p[1]);
    std::string text;
    char buf[512];
    for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {text, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
  }
  std::vector<std::string> leftovers() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root / "state"))
      if (e.path().filename() != "offsets") names.push_back(e.path().filename());
    return names;
  }
  fs::path root;
};

TEST_F(OffsetStoreTest, MissingDirectoryIsCreatedPrivateAndEmpty) {
  OffsetStore store(root / "state" / "nested");
  EXPECT_TRUE(fs::is_directory(root / "state" / "nested"));
  EXPECT_EQ(fs::status(root / "state" / "nested").permissions() & fs::perms::all, fs::perms(0750));
  EXPECT_FALSE(store.load().has_value());
}

TEST_F(OffsetStoreTest, SavedPositionLoadsBackWithItsTime) {
  OffsetStore store(root / "state");
  StoredOffset o = sample(1234);
  o.server_uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  store.save(o);
  auto loaded = store.load();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->time.empty());
  o.time = loaded->time;
  EXPECT_EQ(*loaded, o);
  // A second store on the same directory (the next run) sees the same position.
  EXPECT_EQ(OffsetStore(root / "state").load(), loaded);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(OffsetStoreTest, KillDuringSavesLeavesAWholePosition) {
  OffsetStore store(root / "state");
  store.save(sample(1));
  for (int round = 0; round < 20; ++round) {
    pid_t pid = ::fork();
    if (pid == 0) {
      for (uint64_t pos = 100;; ++pos) store.save(sample(pos));
    }
    ::usleep(2000 + 1500 * round);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    auto loaded = store.load();  // throws on a torn file
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->gtid_set, "0-1-" + std::to_string(loaded->pos)) << "mixed fields of two saves";
  }
}

TEST_F(OffsetStoreTest, ReadOnlyDirectoryFailsNamingThePathAndKeepsThePrevious) {
  OffsetStore store(root / "state");
  store.save(sample(10));
  fs::permissions(root / "state", fs::perms(0555));
  auto [message, rc] = in_child([&](std::string& out) {
    // root ignores directory permissions: act as an unprivileged user, as the agent runs.
    if (::geteuid() == 0 && ::setuid(65534) != 0) return 2;
    try {
      store.save(sample(20));
    } catch (const Error& e) {
      out = e.what();
      return e.code() == ExitCode::config ? 0 : 3;
    }
    return 1;
  });
  EXPECT_EQ(rc, 0) << message;
  EXPECT_NE(message.find((root / "state").string()), std::string::npos) << message;
  EXPECT_NE(message.find(std::strerror(EACCES)), std::string::npos) << message;
  EXPECT_EQ(store.load()->pos, 10u);
}

TEST_F(OffsetStoreTest, FileSizeLimitFailsWithEfbigAndKeepsThePrevious) {
  OffsetStore store(root / "state");
  store.save(sample(10));
  auto [message, rc] = in_child([&](std::string& out) {
    ::signal(SIGXFSZ, SIG_IGN);  // as the agent does: a limit must surface as EFBIG, not kill us
    rlimit lim{16, 16};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) return 2;
    try {
      store.save(sample(20));
    } catch (const Error& e) {
      out = e.what();
      return e.code() == ExitCode::temporary ? 0 : 3;
    }
    return 1;
  });
  EXPECT_EQ(rc, 0) << message;
  EXPECT_NE(message.find((root / "state" / "offsets").string()), std::string::npos) << message;
  EXPECT_NE(message.find(std::strerror(EFBIG)), std::string::npos) << message;
  EXPECT_EQ(store.load()->pos, 10u);
  EXPECT_TRUE(leftovers().empty()) << "temp file left behind: " << leftovers().front();
}

TEST_F(OffsetStoreTest, CorruptFileIsAConfigErrorSayingHowToRecover) {
  OffsetStore store(root / "state");
  for (const char* text : {"garbage", "version=1\nfile=mysql-bin.000001\npos=12x\n", "version=1\nfile=mysql-bin.0",
                           "version=2\nfile=a\npos=4\n", "version=1\nfile=a\npos=4\nextra=1\n"}) {
    std::ofstream(root / "state" / "offsets", std::ios::trunc) << text;
    try {
      store.load();
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::config) << e.what();
      EXPECT_NE(std::string(e.what()).find((root / "state" / "offsets").string()), std::string::npos) << e.what();
    }
  }
}

TEST_F(OffsetStoreTest, LineBreaksInValuesAreRefusedNotWritten) {
  OffsetStore store(root / "state");
  StoredOffset o = sample(4);
  o.gtid_set = "uuid:1-5,\nuuid2:1-3";
  EXPECT_THROW(store.save(o), Error);
  EXPECT_FALSE(store.load().has_value());
}

}  // namespace
}  // namespace cdc::mysql
