#include "ui/views.hpp"

#include <utility>

#include <imgui.h>

#include "cpu/debug_access.hpp"
#include "cpu/decoder.hpp"
#include "cpu/disassembler.hpp"

namespace tern::ui {

void draw_disassembly(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(456, 8), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(560, 420), ImGuiCond_FirstUseEver);
    ImGui::Begin("Disassembly");
    if (model.harts.empty()) {
        ImGui::End();
        return;
    }
    const unsigned h = model.hart;
    const uint64_t pc = model.harts[h].state.pc;
    ImGui::Checkbox("follow pc", &model.follow_pc);
    model.probe("follow pc");
    if (model.follow_pc) model.disasm_address = pc;
    if (model.goto_pc) {
        model.disasm_address = std::exchange(model.goto_pc, 0);
        model.follow_pc = false;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    if (ImGui::InputScalar("address", ImGuiDataType_U64, &model.disasm_address, nullptr, nullptr, "%llx",
                           ImGuiInputTextFlags_CharsHexadecimal | ImGuiInputTextFlags_EnterReturnsTrue |
                               ImGuiInputTextFlags_AutoSelectAll))
        model.follow_pc = false;
    model.probe("disasm address");
    ImGui::TextDisabled("click a line: breakpoint on/off (virtual address, any hart)");
    ImGui::Separator();

    // From a little before the address: 2-byte steps can land inside a 4-byte instruction; the lines
    // from the address on are decoded from it, which is what matters.
    Hart& hart = *model.machine.harts[h];
    uint64_t at = model.disasm_address;
    for (int line = 0; line < 24; ++line) {
        uint8_t bytes[4] = {};
        // Reading RAM while the hart runs may race its stores; it only shows bytes, never uses them.
        const bool mapped = debug_read(hart, at, {bytes, 2}, false);
        const uint32_t low = bytes[0] | bytes[1] << 8;
        const unsigned length = mapped ? instruction_length(low) : 2;
        if (mapped && length == 4) debug_read(hart, at + 2, {bytes + 2, 2}, false);
        const uint32_t raw = low | static_cast<uint32_t>(bytes[2]) << 16 | static_cast<uint32_t>(bytes[3]) << 24;
        const bool breakpoint = model.machine.has_breakpoint(at);
        char text[160];
        if (!mapped)
            std::snprintf(text, sizeof text, "%s %016llx  (not mapped)", breakpoint ? "*" : " ",
                          static_cast<unsigned long long>(at));
        else
            std::snprintf(text, sizeof text, "%s %016llx  %0*x  %s", breakpoint ? "*" : " ",
                          static_cast<unsigned long long>(at), length == 4 ? 8 : 4, length == 4 ? raw : low,
                          disassemble(decode(length == 4 ? raw : low), at).c_str());
        if (at == pc) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.9f, 0.3f, 1.0f));
        if (breakpoint) ImGui::PushStyleColor(ImGuiCol_Header, ImVec4(0.6f, 0.1f, 0.1f, 0.8f));
        char id[32];
        std::snprintf(id, sizeof id, "##line%llx", static_cast<unsigned long long>(at));
        if (ImGui::Selectable((std::string(text) + id).c_str(), breakpoint)) {
            if (breakpoint)
                model.machine.remove_breakpoint(at);
            else
                model.machine.add_breakpoint(at);
        }
        char probe[32];
        std::snprintf(probe, sizeof probe, "line %llx", static_cast<unsigned long long>(at));
        model.probe(probe);
        if (breakpoint) ImGui::PopStyleColor();
        if (at == pc) ImGui::PopStyleColor();
        at += length;
    }
    ImGui::End();
}

} // namespace tern::ui
