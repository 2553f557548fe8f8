// Replays fuzz inputs without libFuzzer: every file under the directories given on the command line goes
// through the target's LLVMFuzzerTestOneInput once. Built with g++ in the normal test build, so the seed
// corpus and every saved crash (regressions/) run with `ctest -L unit` and fixed bugs stay fixed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    if (!fs::is_directory(argv[i])) continue;  // a target may have no regressions yet
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(argv[i]))
      if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      // Named before running, so a crash's output says which input it was.
      std::fprintf(stderr, "replay %s\n", f.c_str());
      try {
        LLVMFuzzerTestOneInput(data.data(), data.size());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "FAILED %s: uncaught %s\n", f.c_str(), e.what());
        return 1;
      }
      ++replayed;
    }
  }
  std::fprintf(stderr, "replayed %zu inputs\n", replayed);
  return replayed > 0 ? 0 : 1;
}
