#include "core/fdt_builder.hpp"

#include <libfdt.h>
#include <stdexcept>

namespace tern {

FdtBuilder::FdtBuilder() : buffer_(64 * 1024, 0) {
    check(fdt_create(buffer_.data(), static_cast<int>(buffer_.size())), "create");
    check(fdt_finish_reservemap(buffer_.data()), "reservemap");
    check(fdt_begin_node(buffer_.data(), ""), "root");
}

void FdtBuilder::check(int err, const char* what) {
    if (err < 0) throw std::runtime_error(std::string("device tree: ") + what + ": " + fdt_strerror(err));
}

void FdtBuilder::begin_node(const std::string& name) { check(fdt_begin_node(buffer_.data(), name.c_str()), "node"); }
void FdtBuilder::end_node() { check(fdt_end_node(buffer_.data()), "end node"); }

void FdtBuilder::property(const char* name, std::string_view value) {
    std::string s(value);
    check(fdt_property(buffer_.data(), name, s.c_str(), static_cast<int>(s.size() + 1)), name);
}

void FdtBuilder::property_strings(const char* name, std::initializer_list<std::string_view> values) {
    std::string joined;
    for (std::string_view v : values) {
        joined += v;
        joined += '\0';
    }
    check(fdt_property(buffer_.data(), name, joined.data(), static_cast<int>(joined.size())), name);
}

void FdtBuilder::property_u32(const char* name, uint32_t value) {
    check(fdt_property_u32(buffer_.data(), name, value), name);
}

void FdtBuilder::property_cells(const char* name, const std::vector<uint32_t>& cells) {
    std::vector<fdt32_t> be;
    for (uint32_t c : cells) be.push_back(cpu_to_fdt32(c));
    check(fdt_property(buffer_.data(), name, be.data(), static_cast<int>(be.size() * sizeof(fdt32_t))), name);
}

void FdtBuilder::property_empty(const char* name) { check(fdt_property(buffer_.data(), name, nullptr, 0), name); }

void FdtBuilder::property_reg(std::initializer_list<std::pair<uint64_t, uint64_t>> ranges) {
    std::vector<uint32_t> cells;
    for (auto [base, size] : ranges)
        for (uint64_t v : {base, size}) {
            cells.push_back(static_cast<uint32_t>(v >> 32));
            cells.push_back(static_cast<uint32_t>(v));
        }
    property_cells("reg", cells);
}

std::vector<uint8_t> FdtBuilder::finish() {
    check(fdt_end_node(buffer_.data()), "end root");
    check(fdt_finish(buffer_.data()), "finish");
    check(fdt_pack(buffer_.data()), "pack");
    buffer_.resize(fdt_totalsize(buffer_.data()));
    return buffer_;
}

} // namespace tern
