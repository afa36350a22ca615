#include "ui/model.hpp"

#include <algorithm>

#include <imgui.h>

#include "cpu/csr_file.hpp"

namespace tern::ui {

const std::vector<CsrGroup>& csr_groups() {
    static const std::vector<CsrGroup> groups = [] {
        std::vector<CsrGroup> g = {
            {"machine", {0x300, 0x301, 0x302, 0x303, 0x304, 0x344, 0x305, 0x340, 0x341, 0x342, 0x343, 0x306, 0x320,
                         0x30a, 0xf14}},
            {"supervisor", {0x100, 0x104, 0x144, 0x105, 0x140, 0x141, 0x142, 0x143, 0x106, 0x10a, 0x180, 0x14d}},
            {"FP", {0x001, 0x002, 0x003}},
            {"counters", {0xb00, 0xb02, 0xc01}},
            {"PMP", {}},
        };
        for (uint16_t i = 0; i < 16; i += 2) g.back().addresses.push_back(static_cast<uint16_t>(0x3a0 + i));
        for (uint16_t i = 0; i < 16; ++i) g.back().addresses.push_back(static_cast<uint16_t>(0x3b0 + i));
        return g;
    }();
    return groups;
}

namespace {
const char* reason_name(DebugStop::Reason reason) {
    switch (reason) {
    case DebugStop::Reason::Interrupted: return "paused";
    case DebugStop::Reason::Breakpoint: return "breakpoint";
    case DebugStop::Reason::Watchpoint: return "watchpoint";
    case DebugStop::Reason::Step: return "step";
    case DebugStop::Reason::Exited: return "exited";
    }
    return "?";
}
} // namespace

void Model::take_snapshot() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - taken).count();
    harts.resize(machine.harts.size());
    for (size_t i = 0; i < harts.size(); ++i) {
        const Hart& h = *machine.harts[i];
        const uint64_t before = harts[i].steps;
        harts[i].state = h.state;
        for (const CsrGroup& group : csr_groups())
            for (uint16_t addr : group.addresses)
                harts[i].csrs[addr] = csr_read(*machine.harts[i], addr); // the hart is held: no race
        harts[i].steps = h.steps;
        harts[i].mips = !stopped && seconds > 0 && before ? (h.steps - before) / seconds / 1e6 : 0;
    }
    taken = now;
}

void Model::refresh() {
    if (stopped) {
        take_snapshot();
        return;
    }
    machine.pause_all();
    take_snapshot();
    machine.resume_all();
}

void Model::stopped_for(const DebugStop& stop) {
    stopped = stop.reason != DebugStop::Reason::Exited;
    char text[96];
    if (stop.reason == DebugStop::Reason::Interrupted)
        std::snprintf(text, sizeof text, "paused");
    else
        std::snprintf(text, sizeof text, "%s (hart %u, 0x%llx)", reason_name(stop.reason), stop.hart,
                      static_cast<unsigned long long>(stop.address));
    status = text;
    if (stop.reason != DebugStop::Reason::Interrupted && stop.reason != DebugStop::Reason::Exited) hart = stop.hart;
    take_snapshot();
    at_last_stop = harts;
    follow_pc = true;
}

void Model::poll() {
    if (auto stop = machine.debug_wait(std::chrono::milliseconds(0))) stopped_for(*stop);
}

void Model::stop() {
    machine.debug_stop();
    if (auto stop = machine.debug_wait(std::chrono::seconds(10))) stopped_for(*stop);
}

void Model::resume() {
    at_last_stop = harts;
    stopped = false;
    status = "running";
    machine.debug_continue();
}

void Model::step() {
    at_last_stop = harts;
    machine.debug_step(hart);
    if (auto stop = machine.debug_wait(std::chrono::seconds(10))) stopped_for(*stop);
}

void Model::probe(const std::string& name) {
    // The visible part of the item: a long line is cut off by its window.
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    const ImVec2 clip_a = ImGui::GetWindowDrawList()->GetClipRectMin(), clip_b = ImGui::GetWindowDrawList()->GetClipRectMax();
    widgets[name] = {std::max(a.x, clip_a.x), std::max(a.y, clip_a.y), std::min(b.x, clip_b.x), std::min(b.y, clip_b.y)};
}

} // namespace tern::ui
