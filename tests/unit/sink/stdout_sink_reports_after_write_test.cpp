// The stdout sink reports a message delivered only after its line has been written, so the same
// watermark logic holds for `sink.type: stdout` as for Kafka; a failed write is a failed delivery.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sink/stdout_sink.h"
#include "sink/watermark.h"

namespace cdc {
namespace {

class TempFile {
 public:
  TempFile() {
    char path[] = "/tmp/stdout_sink_testXXXXXX";
    fd_ = ::mkstemp(path);
    path_ = path;
  }
  ~TempFile() {
    ::close(fd_);
    std::remove(path_.c_str());
  }
  int fd() const { return fd_; }
  std::string contents() const {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  int fd_;
  std::string path_;
};

OutMessage msg(uint64_t seq, std::string key, std::string value) {
  OutMessage m;
  m.topic = "shop.inventory.orders";
  m.key = std::move(key);
  m.value = std::move(value);
  m.seq = seq;
  return m;
}

TEST(StdoutSink, WritesTopicKeyValueLinesWithNullWord) {
  TempFile file;
  StdoutSink sink(file.fd());
  sink.send(msg(0, R"({"id":1})", R"({"op":"c"})"));
  OutMessage tombstone = msg(1, R"({"id":1})", "");
  tombstone.value_null = true;
  sink.send(std::move(tombstone));
  OutMessage keyless = msg(2, "", R"({"op":"u"})");
  keyless.key_null = true;
  sink.send(std::move(keyless));
  ASSERT_TRUE(sink.flush(1000));
  EXPECT_EQ(file.contents(),
            "shop.inventory.orders\t{\"id\":1}\t{\"op\":\"c\"}\n"
            "shop.inventory.orders\t{\"id\":1}\tnull\n"
            "shop.inventory.orders\tnull\t{\"op\":\"u\"}\n");
}

TEST(StdoutSink, DeliveryIsReportedOnlyAfterTheWrite) {
  TempFile file;
  StdoutSink sink(file.fd());
  Watermark<int> wm;
  std::vector<uint64_t> reported;
  sink.on_delivery = [&](uint64_t seq, const std::string* error) {
    EXPECT_EQ(error, nullptr);
    EXPECT_NE(file.contents().find("\"n\":" + std::to_string(seq)), std::string::npos)
        << "seq " << seq << " reported before its line reached the file";
    reported.push_back(seq);
    wm.delivered(seq);
  };
  for (int i = 0; i < 3; ++i) sink.send(msg(wm.next_seq(), "k", "{\"n\":" + std::to_string(i) + "}"));
  wm.commit(1);
  EXPECT_TRUE(reported.empty()) << "still buffered";
  EXPECT_EQ(file.contents(), "");
  EXPECT_FALSE(wm.ackable().has_value());
  sink.poll(0);
  EXPECT_EQ(reported, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(wm.ackable(), 1);
}

TEST(StdoutSink, FullBufferIsWrittenWithoutWaitingForPoll) {
  TempFile file;
  StdoutSink sink(file.fd(), /*buffer_bytes=*/100);
  int reported = 0;
  sink.on_delivery = [&](uint64_t, const std::string*) { ++reported; };
  for (uint64_t i = 0; i < 20; ++i) sink.send(msg(i, "k", std::string(30, 'x')));
  EXPECT_GE(reported, 15) << "the buffer is bounded: lines go out once it fills";
  sink.flush(0);
  EXPECT_EQ(reported, 20);
}

TEST(StdoutSink, WriteErrorIsAFailedDelivery) {
  int fd = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  StdoutSink sink(fd);
  Watermark<int> wm;
  sink.on_delivery = [&](uint64_t seq, const std::string* error) {
    if (error)
      wm.failed(seq, *error);
    else
      wm.delivered(seq);
  };
  sink.send(msg(wm.next_seq(), "k", "v"));
  wm.commit(1);
  EXPECT_FALSE(sink.flush(0));
  ::close(fd);
  ASSERT_TRUE(wm.has_failure());
  EXPECT_NE(wm.first_failure()->error.find("No space left on device"), std::string::npos)
      << wm.first_failure()->error;
  EXPECT_FALSE(wm.ackable().has_value());
}

}  // namespace
}  // namespace cdc
