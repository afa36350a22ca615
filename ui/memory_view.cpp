#include "ui/views.hpp"

#include <cctype>

#include <imgui.h>

#include "cpu/debug_access.hpp"

namespace tern::ui {

void draw_memory(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(456, 436), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(560, 310), ImGuiCond_FirstUseEver);
    ImGui::Begin("Memory");
    if (model.harts.empty()) {
        ImGui::End();
        return;
    }
    Hart& hart = *model.machine.harts[model.hart];
    ImGui::SetNextItemWidth(160);
    ImGui::InputScalar("go to", ImGuiDataType_U64, &model.memory_address, nullptr, nullptr, "%llx",
                       ImGuiInputTextFlags_CharsHexadecimal);
    model.probe("memory address");
    ImGui::SameLine();
    ImGui::Checkbox("physical", &model.memory_physical);
    const uint64_t base = model.memory_address & ~0xfull;
    if (!model.memory_physical) {
        // The page walk, as the hart would do it now (no A/D updates).
        const DebugTranslation t = debug_translate(hart, base);
        if (t.walk.empty())
            ImGui::TextDisabled(t.ok ? "translation off (Bare or M-mode): virtual = physical" : "not mapped");
        for (const DebugWalkStep& step : t.walk)
            ImGui::TextDisabled("level %u: PTE at %llx = %016llx", step.level,
                                static_cast<unsigned long long>(step.pte_paddr), static_cast<unsigned long long>(step.pte));
        if (t.ok && !t.walk.empty()) ImGui::TextDisabled("-> physical %llx", static_cast<unsigned long long>(t.paddr));
    }
    ImGui::Separator();
    for (uint64_t row = 0; row < 16; ++row) {
        const uint64_t at = base + 16 * row;
        uint8_t bytes[16];
        if (!debug_read(hart, at, bytes, model.memory_physical)) {
            ImGui::Text("%016llx  (not RAM, or not mapped)", static_cast<unsigned long long>(at));
            continue;
        }
        char hex[64] = {}, ascii[17] = {};
        for (int i = 0; i < 16; ++i) {
            std::snprintf(hex + 3 * i, 4, "%02x ", bytes[i]);
            ascii[i] = std::isprint(bytes[i]) ? static_cast<char>(bytes[i]) : '.';
        }
        ImGui::Text("%016llx  %s %s", static_cast<unsigned long long>(at), hex, ascii);
    }
    // Editing: one doubleword at a time, while the harts are stopped.
    if (model.stopped) {
        uint64_t& edit_address = model.memory_edit_address;
        uint64_t& edit_value = model.memory_edit_value;
        ImGui::Separator();
        ImGui::SetNextItemWidth(160);
        ImGui::InputScalar("at", ImGuiDataType_U64, &edit_address, nullptr, nullptr, "%llx",
                           ImGuiInputTextFlags_CharsHexadecimal);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(160);
        ImGui::InputScalar("value (8 bytes)", ImGuiDataType_U64, &edit_value, nullptr, nullptr, "%llx",
                           ImGuiInputTextFlags_CharsHexadecimal);
        ImGui::SameLine();
        if (ImGui::Button("write")) {
            uint8_t bytes[8];
            for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(edit_value >> (8 * i));
            debug_write(hart, edit_address, bytes, model.memory_physical);
        }
    }
    ImGui::End();
}

} // namespace tern::ui
