// The bus enforces each device's register map before device code runs.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "core/bus.hpp"
#include "core/clock.hpp"

using namespace tern;

namespace {
// A device with one register of each kind, an array, and a checked index.
class ProbeDevice final : public Device {
    void serialize(StateArchive&) override {}
  public:
    std::string_view name() const override { return "probe"; }
    std::span<const RegisterDecl> registers() const override { return kRegisters; }
    uint64_t read(const RegisterAccess& a) override {
        ++hook_calls;
        if (a.id == 3) return units[a.index];
        return a.id == 0 ? 0x1122334455667788ull : rw;
    }
    void write(const RegisterAccess& a, uint64_t value) override {
        ++hook_calls;
        if (a.id == 2) rw = a.merge_into(rw, value);
        if (a.id == 3) units[a.index] = static_cast<uint32_t>(value);
        if (a.id == 4)
            if (uint32_t* unit = select(units, value, "unit", &a)) selected = unit;
    }

    static constexpr std::array<RegisterDecl, 5> kRegisters{{
        {"id", 0x00, 8, W32 | W64, RegAccess::RO},
        {"doorbell", 0x08, 4, W32, RegAccess::WO},
        {"ctrl", 0x10, 8, W32 | W64, RegAccess::RW},
        {"unit_cfg", 0x20, 4, W32, RegAccess::RW, 4, 8},
        {"unit_sel", 0x40, 4, W32, RegAccess::RW},
    }};
    std::array<uint32_t, 4> units{};
    uint32_t* selected = nullptr;
    uint64_t rw = 0;
    int hook_calls = 0;
};

struct Fixture {
    Ram ram{0x8000'0000, 1 << 16};
    Bus bus{ram};
    GuestErrorLog log;
    MachineClock clock;
    ProbeDevice probe;
    Fixture() {
        bus.attach({&log, &clock});
        bus.map(0x1000'0000, 0x100, probe);
    }
    GuestErrorEntry last() const {
        auto entries = log.snapshot();
        REQUIRE(!entries.empty());
        return entries.back();
    }
};
} // namespace

TEST_CASE("checked accesses reach the device") {
    Fixture f;
    uint64_t v = 0;
    CHECK(f.bus.read(0x1000'0000, 8, v));
    CHECK(v == 0x1122334455667788ull);
    CHECK(f.bus.read(0x1000'0004, 4, v)); // upper half of a 64-bit register
    CHECK(v == 0x11223344);
    CHECK(f.bus.write(0x1000'0014, 4, 0xabcd));
    CHECK(f.probe.rw == 0xabcd'0000'0000ull);
    CHECK(f.bus.write(0x1000'0038, 4, 7)); // unit_cfg[3]
    CHECK(f.probe.units[3] == 7);
    CHECK(f.log.total_recorded() == 0);
}

TEST_CASE("wrong width is refused with a guest error") {
    Fixture f;
    uint64_t v = 1;
    CHECK(f.bus.read(0x1000'0000, 2, v, {0, 0x8000'0100}));
    CHECK(v == 0);
    CHECK(f.probe.hook_calls == 0);
    auto e = f.last();
    CHECK(e.device == "probe");
    CHECK(e.reg == "id");
    CHECK(e.address == 0x1000'0000);
    CHECK(e.origin.hart == 0);
    CHECK(e.origin.pc == 0x8000'0100);
    CHECK(e.message == "2-byte read not allowed");
    CHECK(e.cls == LogClass::GuestError);
}

TEST_CASE("misaligned, read-only and write-only violations") {
    Fixture f;
    uint64_t v;
    CHECK(f.bus.write(0x1000'0012, 4, 1));
    CHECK(f.last().message == "misaligned 4-byte write");
    CHECK(f.bus.write(0x1000'0000, 8, 1));
    CHECK(f.last().message == "write to read-only register");
    CHECK(f.last().value == 1);
    CHECK(f.bus.read(0x1000'0008, 4, v));
    CHECK(v == 0);
    CHECK(f.last().message == "read of write-only register");
    CHECK(f.last().reg == "doorbell");
    CHECK(f.probe.hook_calls == 0);
}

TEST_CASE("an access between registers fits no register") {
    Fixture f;
    uint64_t v = 5;
    CHECK(f.bus.read(0x1000'0024, 4, v)); // the gap between unit_cfg[0] and unit_cfg[1]
    CHECK(v == 0);
    CHECK(f.last().message == "4-byte read fits no register");
    CHECK(f.last().reg.empty());
    CHECK(f.last().address == 0x1000'0024);
    CHECK(f.bus.write(0x1000'00f0, 4, 9));
    CHECK(f.last().address == 0x1000'00f0);
    CHECK(f.probe.hook_calls == 0);
}

TEST_CASE("out-of-range guest index goes through select and is logged") {
    Fixture f;
    CHECK(f.bus.write(0x1000'0040, 4, 2));
    CHECK(f.probe.selected == &f.probe.units[2]);
    CHECK(f.bus.write(0x1000'0040, 4, 4));
    CHECK(f.probe.selected == &f.probe.units[2]);
    auto e = f.last();
    CHECK(e.reg == "unit_sel");
    CHECK(e.value == 4);
    CHECK(e.message == "unit index 4 out of range (have 4)");
}

TEST_CASE("unmapped addresses are access faults and invalid-access entries") {
    Fixture f;
    uint64_t v;
    CHECK_FALSE(f.bus.read(0x2000'0000, 4, v));
    CHECK(f.last().cls == LogClass::InvalidAccess);
    CHECK(f.last().message == "read from unmapped address");
    CHECK_FALSE(f.bus.write(0x2000'0000, 4, 1));
    CHECK(f.last().message == "write to unmapped address");
}

GuestErrorEntry entry_at(uint64_t time, std::string message) {
    GuestErrorEntry e;
    e.time = time;
    e.device = "d";
    e.message = std::move(message);
    return e;
}

TEST_CASE("the log is bounded and rate-limited per site") {
    GuestErrorLog log(8);
    for (int i = 0; i < 40; ++i) log.record(entry_at(5, "same"));
    CHECK(log.total_recorded() == GuestErrorLog::kBurstPerSite);
    CHECK(log.snapshot().size() == 8);
    // A new window lets the site speak again and says how much was dropped.
    log.record(entry_at(5 + GuestErrorLog::kWindowTicks, "same"));
    CHECK(log.snapshot().back().suppressed_before == 40 - GuestErrorLog::kBurstPerSite);
    // Guest bytes are never a format string.
    GuestErrorEntry e = entry_at(0, "%s%n%x");
    CHECK(GuestErrorLog::format(e).find("%s%n%x") != std::string::npos);
}

TEST_CASE("practice: messages carrying guest values cannot grow the log's site table without end") {
    GuestErrorLog log(8);
    // As many distinct messages as a guest likes ("queue index N out of range", for every N).
    const size_t kFlood = GuestErrorLog::kMaxSites + 1000;
    for (size_t i = 0; i < kFlood; ++i)
        log.record(entry_at(5, "index " + std::to_string(i)));
    CHECK(log.sites_tracked() == GuestErrorLog::kMaxSites);
    // Past the table's size, new sites share one rate limit.
    CHECK(log.total_recorded() == GuestErrorLog::kMaxSites + GuestErrorLog::kBurstPerSite);
    CHECK(log.snapshot().back().message == "index " + std::to_string(GuestErrorLog::kMaxSites + 15));
    // Once their window has passed, the old sites are forgotten and new ones are tracked again.
    log.record(entry_at(5 + GuestErrorLog::kWindowTicks, "later"));
    CHECK(log.sites_tracked() == 1);
    CHECK(log.snapshot().back().message == "later");
}
