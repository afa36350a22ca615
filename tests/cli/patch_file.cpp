// Test helper: copies IN to OUT, optionally truncated to LENGTH bytes, with
// bytes overwritten at OFFSET. Usage: patch_file IN OUT LENGTH|- OFFSET BYTE...
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: patch_file IN OUT LENGTH|- OFFSET BYTE...\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (argv[3][0] != '-') bytes.resize(std::strtoull(argv[3], nullptr, 0));
    size_t at = std::strtoull(argv[4], nullptr, 0);
    for (int i = 5; i < argc; ++i, ++at) {
        if (at >= bytes.size()) return 2;
        bytes[at] = static_cast<char>(std::strtoul(argv[i], nullptr, 0));
    }
    std::ofstream(argv[2], std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return 0;
}
