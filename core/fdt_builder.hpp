#pragma once
// A thin RAII wrapper over libfdt's sequential-write API, used to describe
// the machine to the guest. Errors in building are programming errors, so
// they throw std::runtime_error.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

class FdtBuilder {
  public:
    FdtBuilder();

    void begin_node(const std::string& name);
    void end_node();
    void property(const char* name, std::string_view value);                  // a string
    void property_strings(const char* name, std::initializer_list<std::string_view> values); // a string list
    void property_u32(const char* name, uint32_t value);
    void property_cells(const char* name, const std::vector<uint32_t>& cells);
    void property_empty(const char* name);
    // A "reg" property of 2 address + 2 size cells per range.
    void property_reg(std::initializer_list<std::pair<uint64_t, uint64_t>> ranges);

    uint32_t allocate_phandle() { return next_phandle_++; }

    // Finishes the tree and returns the blob (packed).
    std::vector<uint8_t> finish();

  private:
    void check(int err, const char* what);
    std::vector<uint8_t> buffer_;
    uint32_t next_phandle_ = 1;
};

} // namespace tern
