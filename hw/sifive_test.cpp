#include "hw/sifive_test.hpp"

namespace tern {

void SifiveTest::write(const RegisterAccess& access, uint64_t value) {
    const uint64_t full = access.merge_into(0, value);
    switch (full & 0xffff) {
    case 0x5555: handler_(Request::PowerOff, 0); break;
    case 0x3333: handler_(Request::PowerOff, static_cast<int>((full >> 16) & 0xffff)); break;
    case 0x7777: handler_(Request::Reset, 0); break;
    default: guest_error("unknown finisher command", &access, value); break;
    }
}

} // namespace tern
