// PLACEHOLDER: the C extension decoder lands with the disassembler work.
#include "cpu/decoder.hpp"

namespace tern {

DecodedInsn decode16(uint16_t raw) {
    DecodedInsn d;
    d.raw = raw;
    d.len = 2;
    return d;
}

} // namespace tern
