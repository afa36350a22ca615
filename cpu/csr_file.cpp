// The CSR table: every implemented CSR with its name, its extra access gate and
// how it reads and writes. Plain CSRs are a CsrState field plus a mask of the
// writable bits; the rest have read/write hooks. References are to the
// privileged spec (1.12) unless said otherwise.
#include "cpu/csr_file.hpp"

#include "cpu/fpu.hpp"

#include <array>
#include <cstdio>
#include <string>

#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"

namespace tern {

namespace {

using namespace csr_bits;

// Access conditions beyond the privilege and read-only bits of the address (2.1).
enum class Gate : uint8_t {
    None,
    Fp,       // fflags/frm/fcsr: illegal while mstatus.FS is Off (3.1.6.6)
    Counter,  // cycle/time/instret/hpmcounterN: mcounteren/scounteren (3.1.11)
    Satp,     // satp: illegal in S-mode when mstatus.TVM=1 (3.1.6.5)
    Stimecmp, // Sstc: below M needs mcounteren.TM and menvcfg.STCE
};

struct CsrDef;
using ReadFn = uint64_t (*)(Hart&, const CsrDef&);
using WriteFn = void (*)(Hart&, const CsrDef&, uint64_t);

// Names of numbered CSRs (pmpaddr12) are built at compile time, so they need storage of their own.
struct CsrName {
    std::array<char, 16> text{};
    uint8_t size = 0;
    constexpr CsrName() = default;
    constexpr CsrName(std::string_view s) { append(s); }
    constexpr CsrName(const char* s) : CsrName(std::string_view(s)) {}
    constexpr void append(std::string_view s) {
        for (char c : s)
            text[size++] = c;
    }
    constexpr std::string_view view() const { return {text.data(), size}; }
};

constexpr CsrName numbered(std::string_view prefix, unsigned n) {
    CsrName name(prefix);
    if (n >= 10) name.append(std::string_view(&"0123456789"[n / 10], 1));
    name.append(std::string_view(&"0123456789"[n % 10], 1));
    return name;
}

struct CsrDef {
    uint16_t addr = 0;
    CsrName name;
    Gate gate = Gate::None;
    uint8_t index = 0;                   // counter number, pmpcfg register number or pmpaddr number
    uint64_t CsrState::*field = nullptr; // storage of a plain CSR; none: reads 0 unless hooked
    uint64_t write_mask = 0;             // writable bits of a plain CSR
    ReadFn read = nullptr;               // hooks replace the plain behaviour
    WriteFn write = nullptr;
};

CsrState& csrs(Hart& hart) { return hart.state.csr; }

// ---- mstatus and its sstatus view (3.1.6, 4.1.1) ----

constexpr uint64_t kMstatusWritable =
    kSIE | kMIE | kSPIE | kMPIE | kSPP | kMPP | kFS | kMPRV | kSUM | kMXR | kTVM | kTW | kTSR;
constexpr uint64_t kSstatusWritable = kSIE | kSPIE | kSPP | kFS | kSUM | kMXR;
constexpr uint64_t kSstatusReadable = kSstatusWritable | kUBE | kXS | kUXL | kSD;
// Bits whose change alters address translation or its permission checks.
constexpr uint64_t kMstatusTranslation = kMPRV | kMPP | kSUM | kMXR;
constexpr uint64_t kXL64 = 2; // SXL = UXL = 2: S and U are RV64 (3.1.6.2)

// SD summarises FS/XS (3.1.6.6); it is kept in the stored value so that every
// reader of CsrState (savestates, debugger) sees the architectural value.
uint64_t with_sd(uint64_t mstatus) {
    const bool dirty = (mstatus & kFS) == kFSDirty || (mstatus & kXS) == kXS;
    return dirty ? mstatus | kSD : mstatus & ~kSD;
}

void write_mstatus_bits(Hart& hart, uint64_t mask, uint64_t value) {
    CsrState& csr = csrs(hart);
    uint64_t next = (csr.mstatus & ~mask) | (value & mask);
    // MPP is WARL: 2 is reserved (no H-mode), so such a write leaves MPP unchanged.
    if (((next & kMPP) >> kMPPShift) == 2) next = (next & ~kMPP) | (csr.mstatus & kMPP);
    next = with_sd(next);
    if ((next ^ csr.mstatus) & kMstatusTranslation) hart.tlb.flush();
    csr.mstatus = next;
}

uint64_t read_mstatus(Hart& hart, const CsrDef&) { return with_sd(csrs(hart).mstatus); }
void write_mstatus(Hart& hart, const CsrDef&, uint64_t v) { write_mstatus_bits(hart, kMstatusWritable, v); }
uint64_t read_sstatus(Hart& hart, const CsrDef&) { return with_sd(csrs(hart).mstatus) & kSstatusReadable; }
void write_sstatus(Hart& hart, const CsrDef&, uint64_t v) { write_mstatus_bits(hart, kSstatusWritable, v); }

// ---- interrupt enables and pendings (3.1.9, 4.1.3) ----

constexpr uint64_t kSupervisorInterrupts = kSSIP | kSTIP | kSEIP;
constexpr uint64_t kAllInterrupts = kSupervisorInterrupts | kMSIP | kMTIP | kMEIP;

// Sstc (spec 3.1): with menvcfg.STCE=1, mip.STIP is (time >= stimecmp), read-only.
void update_sstc_stip(Hart& hart) {
    CsrState& csr = csrs(hart);
    if (!(csr.menvcfg & kSTCE)) return;
    csr.mip = (csr.mip & ~kSTIP) | (hart.clock.mtime() >= csr.stimecmp ? kSTIP : 0);
}

// M-mode may write SSIP, STIP and SEIP; MSIP/MTIP/MEIP are driven by the
// CLINT/PLIC, and STIP by stimecmp while Sstc is enabled.
void write_mip(Hart& hart, const CsrDef&, uint64_t v) {
    CsrState& csr = csrs(hart);
    const uint64_t mask = (kSSIP | kSTIP) & ~((csr.menvcfg & kSTCE) ? kSTIP : 0);
    csr.mip = (csr.mip & ~mask) | (v & mask);
    csr.seip_software = v & kSEIP;
    csr.mip = (csr.mip & ~kSEIP) | (csr.seip_software || csr.seip_external ? kSEIP : 0);
}
// sie and sip show only the interrupts delegated to S (4.1.3); of sip, only SSIP is writable.
uint64_t read_sie(Hart& hart, const CsrDef&) {
    return csrs(hart).mie & csrs(hart).mideleg & kSupervisorInterrupts;
}
void write_sie(Hart& hart, const CsrDef&, uint64_t v) {
    CsrState& csr = csrs(hart);
    const uint64_t mask = csr.mideleg & kSupervisorInterrupts;
    csr.mie = (csr.mie & ~mask) | (v & mask);
}
uint64_t read_sip(Hart& hart, const CsrDef&) {
    return csrs(hart).mip & csrs(hart).mideleg & kSupervisorInterrupts;
}
void write_sip(Hart& hart, const CsrDef&, uint64_t v) {
    CsrState& csr = csrs(hart);
    const uint64_t mask = csr.mideleg & kSSIP;
    csr.mip = (csr.mip & ~mask) | (v & mask);
}

// ---- trap vectors (3.1.7): MODE 0 direct, 1 vectored; a write of a reserved mode (>= 2) is ignored ----

void write_tvec(Hart& hart, const CsrDef& def, uint64_t v) {
    if ((v & 3) >= 2) return;
    csrs(hart).*def.field = v;
}

// ---- satp (4.1.11): only Bare, Sv39 and Sv48 are stored; another MODE leaves satp unchanged ----

constexpr uint64_t kSatpAsidMask = 0xffffull << 44;

void write_satp(Hart& hart, const CsrDef&, uint64_t v) {
    const uint64_t mode = v >> kSatpModeShift;
    if (mode != kSatpModeBare && mode != kSatpModeSv39 && mode != kSatpModeSv48) return;
    csrs(hart).satp = v & (0xfull << kSatpModeShift | kSatpAsidMask | kSatpPpnMask);
    hart.tlb.flush();
}

// ---- counters (3.1.10-3.1.12, Zicntr) ----

uint64_t read_time(Hart& hart, const CsrDef&) { return hart.clock.mtime(); }

// The interpreter increments mcycle/minstret after every retired instruction,
// including the CSR write itself; storing value-1 makes the next instruction
// see the written value (3.1.10: the write "takes effect" after the writing
// instruction). An inhibited counter is not incremented, so it stores value.
void write_counter(Hart& hart, const CsrDef& def, uint64_t v) {
    const bool inhibited = csrs(hart).mcountinhibit & (1ull << def.index);
    csrs(hart).*def.field = inhibited ? v : v - 1;
}

// ---- menvcfg, stimecmp (Sstc) ----

void write_menvcfg(Hart& hart, const CsrDef& def, uint64_t v) {
    CsrState& csr = csrs(hart);
    csr.menvcfg = (csr.menvcfg & ~def.write_mask) | (v & def.write_mask);
    update_sstc_stip(hart);
}
void write_stimecmp(Hart& hart, const CsrDef&, uint64_t v) {
    csrs(hart).stimecmp = v;
    update_sstc_stip(hart);
}

// ---- fcsr and its fflags/frm views (unprivileged spec 13.2) ----

constexpr uint32_t kFflagsMask = 0x1f;
constexpr uint32_t kFrmShift = 5;
constexpr uint32_t kFcsrMask = 0xff;

uint64_t read_fflags(Hart& hart, const CsrDef&) { return csrs(hart).fcsr & kFflagsMask; }
uint64_t read_frm(Hart& hart, const CsrDef&) { return (csrs(hart).fcsr & kFcsrMask) >> kFrmShift; }
uint64_t read_fcsr(Hart& hart, const CsrDef&) { return csrs(hart).fcsr & kFcsrMask; }
void write_fcsr_bits(Hart& hart, uint32_t mask, uint32_t value) {
    CsrState& csr = csrs(hart);
    csr.fcsr = (csr.fcsr & ~mask) | (value & mask);
    mark_fs_dirty(hart.state);
}
void write_fflags(Hart& hart, const CsrDef&, uint64_t v) {
    write_fcsr_bits(hart, kFflagsMask, static_cast<uint32_t>(v));
}
void write_frm(Hart& hart, const CsrDef&, uint64_t v) {
    write_fcsr_bits(hart, kFcsrMask & ~kFflagsMask, static_cast<uint32_t>(v << kFrmShift));
}
void write_fcsr(Hart& hart, const CsrDef&, uint64_t v) {
    write_fcsr_bits(hart, kFcsrMask, static_cast<uint32_t>(v));
}

// ---- PMP (3.7.1): 16 entries; pmpcfg4..14 and pmpaddr16..63 are read-only zero ----

constexpr unsigned kPmpEntries = 16;
constexpr uint8_t kPmpR = 1, kPmpW = 2, kPmpL = 0x80;
constexpr uint8_t kPmpCfgWritable = 0x9f; // L, A, X, W, R; bits 6:5 are reserved zero
constexpr unsigned kPmpAShift = 3;
constexpr uint8_t kPmpTor = 1;
constexpr uint64_t kPmpAddrMask = (1ull << 54) - 1; // bits 55:2 of a 56-bit physical address

bool pmp_locked(const PmpState& pmp, unsigned entry) {
    return entry < kPmpEntries && (pmp.cfg[entry] & kPmpL);
}

// pmpcfg(2k) holds the cfg bytes of entries 8k..8k+7 on RV64.
uint64_t read_pmpcfg(Hart& hart, const CsrDef& def) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) {
        const unsigned entry = def.index * 4 + i;
        if (entry < kPmpEntries) v |= static_cast<uint64_t>(csrs(hart).pmp.cfg[entry]) << (8 * i);
    }
    return v;
}
void write_pmpcfg(Hart& hart, const CsrDef& def, uint64_t v) {
    PmpState& pmp = csrs(hart).pmp;
    for (unsigned i = 0; i < 8; ++i) {
        const unsigned entry = def.index * 4 + i;
        if (entry >= kPmpEntries || pmp_locked(pmp, entry)) continue;
        const uint8_t cfg = static_cast<uint8_t>(v >> (8 * i)) & kPmpCfgWritable;
        // R=0, W=1 is reserved: WARL keeps the entry's previous configuration.
        if ((cfg & (kPmpR | kPmpW)) == kPmpW) continue;
        pmp.cfg[entry] = cfg;
    }
    hart.tlb.flush();
}
uint64_t read_pmpaddr(Hart& hart, const CsrDef& def) {
    return def.index < kPmpEntries ? csrs(hart).pmp.addr[def.index] : 0;
}
// A locked entry's address is read-only, and so is the address below a locked
// TOR entry, since it is that entry's bottom.
void write_pmpaddr(Hart& hart, const CsrDef& def, uint64_t v) {
    PmpState& pmp = csrs(hart).pmp;
    const unsigned n = def.index;
    if (n >= kPmpEntries || pmp_locked(pmp, n)) return;
    if (pmp_locked(pmp, n + 1) && ((pmp.cfg[n + 1] >> kPmpAShift) & 3) == kPmpTor) return;
    pmp.addr[n] = v & kPmpAddrMask;
    hart.tlb.flush();
}

// ---- the table ----

constexpr uint64_t kDelegableExceptions = 0b1011'0011'1111'1111; // all but 10, 11 (ecall from M) and 14
constexpr uint64_t kAll = ~0ull;

constexpr CsrDef plain(uint16_t addr, CsrName name, uint64_t CsrState::*field, uint64_t mask,
                       Gate gate = Gate::None) {
    CsrDef d;
    d.addr = addr;
    d.name = name;
    d.field = field;
    d.write_mask = mask;
    d.gate = gate;
    return d;
}
constexpr CsrDef hooked(uint16_t addr, CsrName name, ReadFn read, WriteFn write, Gate gate = Gate::None,
                        uint64_t CsrState::*field = nullptr, uint8_t index = 0) {
    CsrDef d;
    d.addr = addr;
    d.name = name;
    d.read = read;
    d.write = write;
    d.gate = gate;
    d.field = field;
    d.index = index;
    return d;
}
constexpr CsrDef zero(uint16_t addr, CsrName name, Gate gate = Gate::None, uint8_t index = 0) {
    CsrDef d;
    d.addr = addr;
    d.name = name;
    d.gate = gate;
    d.index = index;
    return d;
}

constexpr CsrDef kFixedCsrs[] = {
    // Unprivileged FP and counter CSRs
    hooked(0x001, "fflags", read_fflags, write_fflags, Gate::Fp),
    hooked(0x002, "frm", read_frm, write_frm, Gate::Fp),
    hooked(0x003, "fcsr", read_fcsr, write_fcsr, Gate::Fp),
    plain(0xc00, "cycle", &CsrState::mcycle, 0, Gate::Counter),
    hooked(0xc01, "time", read_time, nullptr, Gate::Counter, nullptr, 1),
    hooked(0xc02, "instret", nullptr, nullptr, Gate::Counter, &CsrState::minstret, 2),
    // Supervisor
    hooked(0x100, "sstatus", read_sstatus, write_sstatus),
    hooked(0x104, "sie", read_sie, write_sie),
    hooked(0x105, "stvec", nullptr, write_tvec, Gate::None, &CsrState::stvec),
    plain(0x106, "scounteren", &CsrState::scounteren, 0xffffffff),
    plain(0x10a, "senvcfg", &CsrState::senvcfg, 1), // FIOM only: no Zicbom/Zicboz
    plain(0x140, "sscratch", &CsrState::sscratch, kAll),
    plain(0x141, "sepc", &CsrState::sepc, ~1ull), // IALIGN=16 with C (3.1.14)
    plain(0x142, "scause", &CsrState::scause, kAll),
    plain(0x143, "stval", &CsrState::stval, kAll),
    hooked(0x144, "sip", read_sip, write_sip),
    hooked(0x14d, "stimecmp", nullptr, write_stimecmp, Gate::Stimecmp, &CsrState::stimecmp),
    hooked(0x180, "satp", nullptr, write_satp, Gate::Satp, &CsrState::satp),
    // Machine information (read-only; zero means "not implemented" for the IDs and mconfigptr)
    zero(0xf11, "mvendorid"),
    zero(0xf12, "marchid"),
    zero(0xf13, "mimpid"),
    plain(0xf14, "mhartid", &CsrState::mhartid, 0),
    zero(0xf15, "mconfigptr"),
    // Machine trap setup and handling
    hooked(0x300, "mstatus", read_mstatus, write_mstatus),
    plain(0x301, "misa", &CsrState::misa, 0), // WARL: the extensions cannot be switched off
    plain(0x302, "medeleg", &CsrState::medeleg, kDelegableExceptions),
    plain(0x303, "mideleg", &CsrState::mideleg, kSupervisorInterrupts),
    plain(0x304, "mie", &CsrState::mie, kAllInterrupts),
    hooked(0x305, "mtvec", nullptr, write_tvec, Gate::None, &CsrState::mtvec),
    plain(0x306, "mcounteren", &CsrState::mcounteren, 0xffffffff),
    // menvcfg: FIOM and STCE (Sstc) are implemented; no Zicbom/Zicboz/Svpbmt/Svadu.
    CsrDef{.addr = 0x30a,
           .name = "menvcfg",
           .field = &CsrState::menvcfg,
           .write_mask = kSTCE | 1,
           .write = write_menvcfg},
    plain(0x320, "mcountinhibit", &CsrState::mcountinhibit, 0xfffffffd), // no TM bit (3.1.13)
    plain(0x340, "mscratch", &CsrState::mscratch, kAll),
    plain(0x341, "mepc", &CsrState::mepc, ~1ull),
    plain(0x342, "mcause", &CsrState::mcause, kAll),
    plain(0x343, "mtval", &CsrState::mtval, kAll),
    hooked(0x344, "mip", nullptr, write_mip, Gate::None, &CsrState::mip),
    // Debug triggers (debug spec 5.7): none are implemented. tselect reads 0 and
    // tdata1 reads type 0 ("no trigger"), which is how software detects that.
    zero(0x7a0, "tselect"),
    zero(0x7a1, "tdata1"),
    zero(0x7a2, "tdata2"),
    zero(0x7a3, "tdata3"),
    hooked(0xb00, "mcycle", nullptr, write_counter, Gate::None, &CsrState::mcycle, 0),
    hooked(0xb02, "minstret", nullptr, write_counter, Gate::None, &CsrState::minstret, 2),
};

constexpr size_t kFixedCount = std::size(kFixedCsrs);
constexpr size_t kCsrCount = kFixedCount + 3 * 29 /* hpm counters, mhpm counters, events */ + 8 + 64;

constexpr std::array<CsrDef, kCsrCount> make_table() {
    std::array<CsrDef, kCsrCount> t{};
    size_t n = 0;
    for (const CsrDef& d : kFixedCsrs)
        t[n++] = d;
    // No hardware performance monitor events are implemented: counters 3..31 read zero (3.1.10).
    for (unsigned i = 3; i < 32; ++i) {
        const auto idx = static_cast<uint8_t>(i);
        t[n++] = zero(static_cast<uint16_t>(0xc00 + i), numbered("hpmcounter", i), Gate::Counter, idx);
        t[n++] = zero(static_cast<uint16_t>(0xb00 + i), numbered("mhpmcounter", i), Gate::None, idx);
        t[n++] = zero(static_cast<uint16_t>(0x320 + i), numbered("mhpmevent", i), Gate::None, idx);
    }
    // RV64 has only the even pmpcfg registers (3.7.1).
    for (unsigned i = 0; i < 16; i += 2)
        t[n++] = hooked(static_cast<uint16_t>(0x3a0 + i), numbered("pmpcfg", i), read_pmpcfg, write_pmpcfg,
                        Gate::None, nullptr, static_cast<uint8_t>(i));
    for (unsigned i = 0; i < 64; ++i)
        t[n++] = hooked(static_cast<uint16_t>(0x3b0 + i), numbered("pmpaddr", i), read_pmpaddr, write_pmpaddr,
                        Gate::None, nullptr, static_cast<uint8_t>(i));
    if (n != kCsrCount) throw "kCsrCount does not match the table";
    return t;
}

constexpr std::array<CsrDef, kCsrCount> kCsrs = make_table();

// Address -> 1 + position in kCsrs, 0 when not implemented.
constexpr std::array<uint16_t, 4096> make_index() {
    std::array<uint16_t, 4096> index{};
    for (size_t i = 0; i < kCsrs.size(); ++i) {
        if (index[kCsrs[i].addr]) throw "CSR address listed twice";
        index[kCsrs[i].addr] = static_cast<uint16_t>(i + 1);
    }
    return index;
}
constexpr std::array<uint16_t, 4096> kIndex = make_index();

const CsrDef* find(uint16_t addr) {
    const uint16_t i = kIndex[addr & 0xfff];
    return i ? &kCsrs[i - 1] : nullptr;
}

bool gate_allows(const Hart& hart, const CsrDef& def) {
    const CsrState& csr = hart.state.csr;
    const Privilege priv = hart.state.priv;
    switch (def.gate) {
    case Gate::None: return true;
    case Gate::Fp: return (csr.mstatus & kFS) != 0;
    case Gate::Counter: {
        const uint64_t bit = 1ull << def.index;
        if (priv == Privilege::Machine) return true;
        return (csr.mcounteren & bit) && (priv == Privilege::Supervisor || (csr.scounteren & bit));
    }
    case Gate::Satp: return !(priv == Privilege::Supervisor && (csr.mstatus & kTVM));
    case Gate::Stimecmp: return priv == Privilege::Machine || ((csr.mcounteren & 2) && (csr.menvcfg & kSTCE));
    }
    return false;
}

} // namespace

std::string_view csr_name(uint16_t addr) {
    const CsrDef* def = find(addr);
    return def ? def->name.view() : std::string_view{};
}

bool csr_accessible(const Hart& hart, uint16_t addr, bool write) {
    const CsrDef* def = find(addr);
    if (!def) return false;
    const unsigned lowest_privilege = (addr >> 8) & 3;
    if (static_cast<unsigned>(hart.state.priv) < lowest_privilege) return false;
    if (write && ((addr >> 10) & 3) == 3) return false;
    return gate_allows(hart, *def);
}

uint64_t csr_read(Hart& hart, uint16_t addr) {
    const CsrDef* def = find(addr);
    if (!def) return 0;
    if (def->read) return def->read(hart, *def);
    return def->field ? hart.state.csr.*def->field : 0;
}

void csr_write(Hart& hart, uint16_t addr, uint64_t value) {
    const CsrDef* def = find(addr);
    if (!def) return;
    if (def->write) return def->write(hart, *def, value);
    if (!def->field) return;
    uint64_t& field = hart.state.csr.*def->field;
    field = (field & ~def->write_mask) | (value & def->write_mask);
}

uint64_t misa_value() {
    constexpr uint64_t kMxl64 = 2ull << 62;
    uint64_t extensions = 0;
    for (char c : std::string_view("IMAFDCSU"))
        extensions |= 1ull << (c - 'A');
    return kMxl64 | extensions;
}

namespace {
constexpr uint64_t kMstatusReset = kXL64 << 32 | kXL64 << 34; // UXL, SXL; MIE=MPRV=0 (3.4)

std::string hex(uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}
} // namespace

void csr_reset(Hart& hart, uint64_t hartid) {
    hart.state.priv = Privilege::Machine;
    CsrState& csr = hart.state.csr;
    csr.misa = misa_value();
    csr.mhartid = hartid;
    csr.mstatus = kMstatusReset;
}

std::string csr_state_problem(const CsrState& csr, uint64_t hartid) {
    CsrState reset;
    reset.misa = misa_value();
    reset.mhartid = hartid;
    // Plain CSRs: the bits outside the write mask keep their reset value.
    for (const CsrDef& def : kCsrs) {
        if (!def.field || def.write || def.gate != Gate::None) continue;
        const uint64_t fixed = ~def.write_mask;
        if ((csr.*def.field & fixed) != (reset.*def.field & fixed))
            return std::string(def.name.view()) + " = " + hex(csr.*def.field) + " has read-only bits changed (writable: " +
                   hex(def.write_mask) + ")";
    }
    const uint64_t mpp = (csr.mstatus & kMPP) >> kMPPShift;
    if (mpp == 2) return "mstatus.MPP = 2 is not a privilege mode";
    if ((csr.mstatus & ~(kMstatusWritable | kSD)) != kMstatusReset)
        return "mstatus = " + hex(csr.mstatus) + " has read-only bits changed (UXL and SXL are 2, XS and UBE 0)";
    if (csr.mstatus != with_sd(csr.mstatus)) return "mstatus.SD does not summarise mstatus.FS";
    for (auto [name, tvec] : {std::pair{"mtvec", csr.mtvec}, std::pair{"stvec", csr.stvec}})
        if ((tvec & 3) >= 2) return std::string(name) + ".MODE = " + std::to_string(tvec & 3) + " is reserved";
    const uint64_t satp_mode = csr.satp >> kSatpModeShift;
    if (satp_mode != kSatpModeBare && satp_mode != kSatpModeSv39 && satp_mode != kSatpModeSv48)
        return "satp.MODE = " + std::to_string(satp_mode) + " is not Bare, Sv39 or Sv48";
    if (csr.satp & ~(0xfull << kSatpModeShift | kSatpAsidMask | kSatpPpnMask))
        return "satp = " + hex(csr.satp) + " has reserved bits set";
    if (csr.menvcfg & ~(kSTCE | 1)) return "menvcfg = " + hex(csr.menvcfg) + " enables unimplemented extensions";
    if (csr.mip & ~kAllInterrupts) return "mip = " + hex(csr.mip) + " has bits of interrupts that do not exist";
    if (csr.fcsr & ~kFcsrMask) return "fcsr = " + hex(csr.fcsr) + " has bits above bit 7";
    for (unsigned i = 0; i < kPmpEntries; ++i) {
        const uint8_t cfg = csr.pmp.cfg[i];
        if (cfg & ~kPmpCfgWritable) return "pmp" + std::to_string(i) + "cfg has reserved bits 6:5 set";
        if ((cfg & (kPmpR | kPmpW)) == kPmpW) return "pmp" + std::to_string(i) + "cfg has W=1 without R (reserved)";
        if (csr.pmp.addr[i] & ~kPmpAddrMask)
            return "pmpaddr" + std::to_string(i) + " = " + hex(csr.pmp.addr[i]) + " has bits above 53";
    }
    return {};
}

uint64_t csr_read_for_update(Hart& hart, uint16_t addr) {
    const uint64_t value = csr_read(hart, addr);
    if (addr != 0x344) return value;
    return (value & ~kSEIP) | (csrs(hart).seip_software ? kSEIP : 0);
}

} // namespace tern
