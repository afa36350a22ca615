// PLACEHOLDER entry point until the command-line work lands.
#include <cstdio>

int main() {
    std::fprintf(stderr, "tern: command line not implemented yet\n");
    return 1;
}
