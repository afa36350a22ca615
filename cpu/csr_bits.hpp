#pragma once
// Bit fields of mstatus, mip/mie and friends (privileged spec, 3.1.6 and 3.1.9).
#include <cstdint>

namespace tern::csr_bits {

// mstatus / sstatus
inline constexpr uint64_t kSIE = 1ull << 1;
inline constexpr uint64_t kMIE = 1ull << 3;
inline constexpr uint64_t kSPIE = 1ull << 5;
inline constexpr uint64_t kUBE = 1ull << 6;
inline constexpr uint64_t kMPIE = 1ull << 7;
inline constexpr uint64_t kSPP = 1ull << 8;
inline constexpr unsigned kMPPShift = 11;
inline constexpr uint64_t kMPP = 3ull << kMPPShift;
inline constexpr unsigned kFSShift = 13;
inline constexpr uint64_t kFS = 3ull << kFSShift;
inline constexpr uint64_t kFSDirty = 3ull << kFSShift;
inline constexpr uint64_t kXS = 3ull << 15;
inline constexpr uint64_t kMPRV = 1ull << 17;
inline constexpr uint64_t kSUM = 1ull << 18;
inline constexpr uint64_t kMXR = 1ull << 19;
inline constexpr uint64_t kTVM = 1ull << 20;
inline constexpr uint64_t kTW = 1ull << 21;
inline constexpr uint64_t kTSR = 1ull << 22;
inline constexpr uint64_t kUXL = 3ull << 32;
inline constexpr uint64_t kSXL = 3ull << 34;
inline constexpr uint64_t kSD = 1ull << 63;

// mip / mie
inline constexpr uint64_t kSSIP = 1ull << 1;
inline constexpr uint64_t kMSIP = 1ull << 3;
inline constexpr uint64_t kSTIP = 1ull << 5;
inline constexpr uint64_t kMTIP = 1ull << 7;
inline constexpr uint64_t kSEIP = 1ull << 9;
inline constexpr uint64_t kMEIP = 1ull << 11;

// menvcfg
inline constexpr uint64_t kSTCE = 1ull << 63;

// satp (RV64)
inline constexpr unsigned kSatpModeShift = 60;
inline constexpr uint64_t kSatpModeBare = 0, kSatpModeSv39 = 8, kSatpModeSv48 = 9;
inline constexpr uint64_t kSatpPpnMask = (1ull << 44) - 1;

} // namespace tern::csr_bits
