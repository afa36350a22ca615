#include "cpu/hart.hpp"

#include "cpu/csr_file.hpp"
#include "cpu/decoder.hpp"
#include "cpu/mmu.hpp"
#include "cpu/trap.hpp"

namespace tern {

Hart::Hart(uint64_t hartid, Bus& bus_, CodeCache& code_cache_, MachineClock& clock_)
    : bus(bus_), code_cache(code_cache_), clock(clock_) {
    csr_reset(*this, hartid);
    bus.reservations.attach(id(), state.reservation, store_window);
}

Hart::~Hart() { bus.reservations.detach(id()); }

void Hart::serialize(StateArchive& archive) {
    HartState& s = state;
    archive("x", s.x);
    archive.require(s.x[0] == 0, "x0", "is not zero");
    archive("f", s.f);
    archive("pc", s.pc);
    archive.require(!(s.pc & 1), "pc", "is not 2-byte aligned (IALIGN is 16 with C)");
    archive("privilege", s.priv);
    archive.require(s.priv == Privilege::User || s.priv == Privilege::Supervisor || s.priv == Privilege::Machine,
                    "privilege", "= " + std::to_string(static_cast<unsigned>(s.priv)) + " is not a privilege mode");
    archive("wfi", s.wfi);
    archive("steps", steps);
    CsrState& c = s.csr;
    // mhartid is the hart's identity (the reservation table and the code caches are keyed by it):
    // checked before it is stored, so a refused file leaves it intact.
    const uint64_t hartid = c.mhartid;
    for (uint64_t* field : {&c.mstatus, &c.misa, &c.medeleg, &c.mideleg, &c.mie, &c.mip, &c.mtvec, &c.mscratch,
                            &c.mepc, &c.mcause, &c.mtval, &c.mcounteren, &c.mcountinhibit, &c.menvcfg}) {
        archive("csr", *field);
    }
    uint64_t loaded_hartid = hartid;
    archive("mhartid", loaded_hartid);
    archive.require(loaded_hartid == hartid, "mhartid",
                    "= " + std::to_string(loaded_hartid) + " is not this hart's number (" + std::to_string(hartid) + ")");
    for (uint64_t* field : {&c.stvec, &c.sscratch, &c.sepc, &c.scause, &c.stval, &c.scounteren, &c.senvcfg, &c.satp,
                            &c.stimecmp, &c.mcycle, &c.minstret})
        archive("csr", *field);
    archive("seip_software", c.seip_software);
    archive("seip_external", c.seip_external);
    archive("fcsr", c.fcsr);
    archive("pmpcfg", c.pmp.cfg);
    archive("pmpaddr", c.pmp.addr);
    if (archive.loading()) {
        if (std::string problem = csr_state_problem(c, hartid); !problem.empty()) throw StateError(problem);
        tlb.flush();
    }
    // The reservation is state too: dropping it could make a resumed SC fail where the original succeeded.
    Reservation r = s.reservation;
    archive("reservation_valid", r.valid);
    archive("reservation_size", r.size);
    archive("reservation_paddr", r.paddr);
    if (archive.loading() && r.valid) {
        archive.require(r.size == 4 || r.size == 8, "reservation_size", "is not 4 or 8");
        archive.require(!(r.paddr & (r.size - 1)) && bus.ram().contains(r.paddr, r.size), "reservation_paddr",
                        "is not an aligned RAM address");
        bus.reservations.restore(s.reservation, r.paddr, r.size);
    }
}

void Hart::illegal_instruction(uint32_t raw) { take_exception(*this, Exception::IllegalInstruction, raw); }

namespace {
Exception access_fault(AccessType type) {
    switch (type) {
    case AccessType::Fetch: return Exception::InstructionAccessFault;
    case AccessType::Load: return Exception::LoadAccessFault;
    case AccessType::Store: break;
    }
    return Exception::StoreAccessFault;
}
} // namespace

bool Hart::access_slow(uint64_t vaddr, unsigned size, AccessType type, uint64_t& value) {
    if (fits_in_page(vaddr, size)) {
        Translation t = translate(*this, vaddr, size, type);
        if (!t.ok) {
            take_exception(*this, t.fault, vaddr);
            return false;
        }
        bool ok = type == AccessType::Store ? bus.write(t.paddr, size, value, origin())
                                            : bus.read(t.paddr, size, value, origin());
        if (!ok) take_exception(*this, access_fault(type), vaddr);
        if (ok) check_watch(vaddr, t.paddr, size, type);
        return ok;
    }
    // A misaligned access that crosses a page: translate both pages before
    // touching either, so a fault leaves memory unchanged; then go byte by byte.
    const unsigned first = static_cast<unsigned>(Tlb::kPageSize - (vaddr & (Tlb::kPageSize - 1)));
    Translation lo = translate(*this, vaddr, first, type);
    if (!lo.ok) {
        take_exception(*this, lo.fault, vaddr);
        return false;
    }
    Translation hi = translate(*this, vaddr + first, size - first, type);
    if (!hi.ok) {
        take_exception(*this, hi.fault, vaddr + first);
        return false;
    }
    uint64_t result = 0;
    for (unsigned i = 0; i < size; ++i) {
        uint64_t paddr = i < first ? lo.paddr + i : hi.paddr + (i - first);
        uint64_t byte = (value >> (8 * i)) & 0xff;
        bool ok = type == AccessType::Store ? bus.write(paddr, 1, byte, origin())
                                            : bus.read(paddr, 1, byte, origin());
        if (!ok) {
            take_exception(*this, access_fault(type), vaddr);
            return false;
        }
        result |= byte << (8 * i);
    }
    if (type != AccessType::Store) value = result;
    check_watch(vaddr, lo.paddr, first, type);
    check_watch(vaddr + first, hi.paddr, size - first, type);
    return true;
}

uint8_t* Hart::atomic_pointer(uint64_t vaddr, unsigned size, AccessType type) {
    if (vaddr & (size - 1)) {
        take_exception(*this,
                       type == AccessType::Load ? Exception::LoadAddressMisaligned
                                                : Exception::StoreAddressMisaligned,
                       vaddr);
        return nullptr;
    }
    Translation t = translate(*this, vaddr, size, type);
    if (!t.ok) {
        take_exception(*this, t.fault, vaddr);
        return nullptr;
    }
    uint8_t* host = bus.ram_pointer(t.paddr);
    if (!host) take_exception(*this, access_fault(type), vaddr);
    // An AMO or SC (a store) writes; an LR (a load) reads.
    if (host) check_watch(vaddr, t.paddr, size, type);
    return host;
}

bool Hart::fetch(uint64_t vaddr, uint32_t& raw) {
    uint64_t low, high = 0;
    if (vaddr & 1) {
        take_exception(*this, Exception::InstructionAddressMisaligned, vaddr);
        return false;
    }
    if (!access_slow(vaddr, 2, AccessType::Fetch, low)) return false;
    if (instruction_length(static_cast<uint32_t>(low)) == 4 &&
        !access_slow(vaddr + 2, 2, AccessType::Fetch, high))
        return false;
    raw = static_cast<uint32_t>(low | high << 16);
    return true;
}

} // namespace tern
