// Zba, Zbb and Zbs bit manipulation (bit-manipulation spec, chapter 2).
#include <bit>

#include "cpu/exec_helpers.hpp"

namespace tern::exec {

// Zba
SEMANTICS(sh1add) { WRITE_RD((RS1 << 1) + RS2); }
SEMANTICS(sh2add) { WRITE_RD((RS1 << 2) + RS2); }
SEMANTICS(sh3add) { WRITE_RD((RS1 << 3) + RS2); }
SEMANTICS(add_uw) { WRITE_RD(static_cast<uint32_t>(RS1) + RS2); }
SEMANTICS(sh1add_uw) { WRITE_RD((uint64_t{static_cast<uint32_t>(RS1)} << 1) + RS2); }
SEMANTICS(sh2add_uw) { WRITE_RD((uint64_t{static_cast<uint32_t>(RS1)} << 2) + RS2); }
SEMANTICS(sh3add_uw) { WRITE_RD((uint64_t{static_cast<uint32_t>(RS1)} << 3) + RS2); }
SEMANTICS(slli_uw) { WRITE_RD(uint64_t{static_cast<uint32_t>(RS1)} << IMM); }

// Zbb
SEMANTICS(andn) { WRITE_RD(RS1 & ~RS2); }
SEMANTICS(orn) { WRITE_RD(RS1 | ~RS2); }
SEMANTICS(xnor) { WRITE_RD(~(RS1 ^ RS2)); }
SEMANTICS(clz) { WRITE_RD(std::countl_zero(RS1)); }
SEMANTICS(clzw) { WRITE_RD(std::countl_zero(static_cast<uint32_t>(RS1))); }
SEMANTICS(ctz) { WRITE_RD(std::countr_zero(RS1)); }
SEMANTICS(ctzw) { WRITE_RD(std::countr_zero(static_cast<uint32_t>(RS1))); }
SEMANTICS(cpop) { WRITE_RD(std::popcount(RS1)); }
SEMANTICS(cpopw) { WRITE_RD(std::popcount(static_cast<uint32_t>(RS1))); }
SEMANTICS(max) { WRITE_RD(as_signed(RS1) > as_signed(RS2) ? RS1 : RS2); }
SEMANTICS(maxu) { WRITE_RD(RS1 > RS2 ? RS1 : RS2); }
SEMANTICS(min) { WRITE_RD(as_signed(RS1) < as_signed(RS2) ? RS1 : RS2); }
SEMANTICS(minu) { WRITE_RD(RS1 < RS2 ? RS1 : RS2); }
SEMANTICS(sext_b) { WRITE_RD(static_cast<int8_t>(RS1)); }
SEMANTICS(sext_h) { WRITE_RD(static_cast<int16_t>(RS1)); }
SEMANTICS(zext_h) { WRITE_RD(static_cast<uint16_t>(RS1)); }
SEMANTICS(rol) { WRITE_RD(std::rotl(RS1, static_cast<int>(RS2 & 63))); }
SEMANTICS(rolw) { WRITE_RD(sext32(std::rotl(static_cast<uint32_t>(RS1), static_cast<int>(RS2 & 31)))); }
SEMANTICS(ror) { WRITE_RD(std::rotr(RS1, static_cast<int>(RS2 & 63))); }
SEMANTICS(rorw) { WRITE_RD(sext32(std::rotr(static_cast<uint32_t>(RS1), static_cast<int>(RS2 & 31)))); }
SEMANTICS(rori) { WRITE_RD(std::rotr(RS1, static_cast<int>(IMM))); }
SEMANTICS(roriw) { WRITE_RD(sext32(std::rotr(static_cast<uint32_t>(RS1), static_cast<int>(IMM & 31)))); }
SEMANTICS(orc_b) {
    uint64_t result = 0;
    for (unsigned byte = 0; byte < 8; ++byte)
        if ((RS1 >> (8 * byte)) & 0xff) result |= 0xffull << (8 * byte);
    WRITE_RD(result);
}
SEMANTICS(rev8) { WRITE_RD(__builtin_bswap64(RS1)); }

// Zbs
SEMANTICS(bclr) { WRITE_RD(RS1 & ~(1ull << (RS2 & 63))); }
SEMANTICS(bclri) { WRITE_RD(RS1 & ~(1ull << IMM)); }
SEMANTICS(bext) { WRITE_RD((RS1 >> (RS2 & 63)) & 1); }
SEMANTICS(bexti) { WRITE_RD((RS1 >> IMM) & 1); }
SEMANTICS(binv) { WRITE_RD(RS1 ^ (1ull << (RS2 & 63))); }
SEMANTICS(binvi) { WRITE_RD(RS1 ^ (1ull << IMM)); }
SEMANTICS(bset) { WRITE_RD(RS1 | (1ull << (RS2 & 63))); }
SEMANTICS(bseti) { WRITE_RD(RS1 | (1ull << IMM)); }

} // namespace tern::exec
