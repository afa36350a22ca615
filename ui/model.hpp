#pragma once
// What the debugger window knows of the machine between frames (Ymir's "model"): the selected hart,
// snapshots of every hart's state (taken while stopped, or a few times a second through pause_all
// while running, so the window never races a running hart), the values at the last stop (to
// highlight changes), and where each pane looks.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cpu/hart_state.hpp"
#include "hw/machine.hpp"

namespace tern::ui {

struct HartView {
    HartState state;
    std::map<uint16_t, uint64_t> csrs; // the shown CSRs, read through the CSR file while the hart was held
    uint64_t steps = 0;
    double mips = 0; // while running
};

// The CSRs the registers pane shows, by group (their names come from the CSR file's one table).
struct CsrGroup {
    const char* name;
    std::vector<uint16_t> addresses;
};
const std::vector<CsrGroup>& csr_groups();

struct Model {
    explicit Model(Machine& m) : machine(m) {}

    Machine& machine;
    unsigned hart = 0;    // the selected hart
    bool stopped = false; // the harts are held by the debugger (and the snapshot is current)
    std::string status;   // why they stopped, or what is running
    std::vector<HartView> harts, at_last_stop;
    std::chrono::steady_clock::time_point taken{};

    // Panes' positions.
    bool follow_pc = true;
    uint64_t disasm_address = 0;
    uint64_t memory_address = MachineConfig::kRamBase;
    bool memory_physical = false;
    uint64_t memory_edit_address = MachineConfig::kRamBase, memory_edit_value = 0;
    std::string error_filter; // guest errors: shown when device, register or message contain it
    uint64_t new_breakpoint = 0;
    Watchpoint new_watchpoint{MachineConfig::kRamBase, 8, false, true, true};
    uint64_t goto_pc = 0; // an address the guest-error pane asked the disassembly to show

    // Takes a fresh snapshot (pausing a running machine for it).
    void refresh();
    // Commands: each leaves the model current.
    void stop();
    void resume();
    void step();
    // Notices a stop the harts reported themselves (a breakpoint or watchpoint hit).
    void poll();

    // Where test scripts find widgets: the rectangle each named widget had in the last frame.
    struct Rect {
        float x0, y0, x1, y1;
    };
    std::map<std::string, Rect> widgets;
    void probe(const std::string& name); // records ImGui's last item under `name`

  private:
    void take_snapshot();
    void stopped_for(const DebugStop& stop);
};

} // namespace tern::ui
