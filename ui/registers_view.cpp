#include "ui/views.hpp"

#include <imgui.h>

#include "cpu/csr_file.hpp"
#include "cpu/disassembler.hpp"

namespace tern::ui {

namespace {

// One editable 64-bit value: highlighted when it changed since the last stop; `set` runs on an edit.
template <class Set> void value_row(Model& model, const char* name, uint64_t now, uint64_t before, Set set) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    ImGui::TableNextColumn();
    const bool changed = now != before;
    if (changed) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.3f, 1.0f));
    if (model.stopped) {
        uint64_t value = now;
        ImGui::SetNextItemWidth(-1);
        std::string id = std::string("##") + name;
        if (ImGui::InputScalar(id.c_str(), ImGuiDataType_U64, &value, nullptr, nullptr, "%016llx",
                               ImGuiInputTextFlags_CharsHexadecimal | ImGuiInputTextFlags_EnterReturnsTrue |
                                   ImGuiInputTextFlags_AutoSelectAll))
            set(value);
        model.probe(std::string("reg ") + name);
    } else {
        ImGui::Text("%016llx", static_cast<unsigned long long>(now));
    }
    if (changed) ImGui::PopStyleColor();
}

} // namespace

void draw_registers(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(8, 186), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(440, 560), ImGuiCond_FirstUseEver);
    ImGui::Begin("Registers");
    if (model.harts.empty()) {
        ImGui::End();
        return;
    }
    const unsigned h = model.hart;
    const HartState& s = model.harts[h].state;
    const HartState& before = model.at_last_stop.size() > h ? model.at_last_stop[h].state : s;
    Hart& hart = *model.machine.harts[h];
    static constexpr const char* kPrivilege[] = {"U", "S", "?", "M"};
    ImGui::Text("hart %u  %s-mode%s", h, kPrivilege[static_cast<unsigned>(s.priv) & 3], s.wfi ? "  (WFI)" : "");
    // Edits go to the stopped hart itself, then the snapshot is taken again.
    auto edited = [&] { model.refresh(); };
    if (ImGui::BeginTable("gpr", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        value_row(model, "pc", s.pc, before.pc, [&](uint64_t v) {
            hart.state.pc = v & ~1ull;
            edited();
        });
        for (unsigned r = 1; r < 32; ++r) {
            char name[16];
            std::snprintf(name, sizeof name, "x%u %s", r, std::string(x_register_name(r)).c_str());
            value_row(model, name, s.x[r], before.x[r], [&](uint64_t v) {
                hart.set_x(r, v);
                edited();
            });
        }
        ImGui::EndTable();
    }
    if (ImGui::CollapsingHeader("f registers")) {
        if (ImGui::BeginTable("fpr", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
            for (unsigned r = 0; r < 32; ++r) {
                char name[16];
                std::snprintf(name, sizeof name, "f%u %s", r, std::string(f_register_name(r)).c_str());
                value_row(model, name, s.f[r], before.f[r], [&](uint64_t v) {
                    hart.state.f[r] = v;
                    edited();
                });
            }
            ImGui::EndTable();
        }
    }
    for (const CsrGroup& group : csr_groups()) {
        if (!ImGui::CollapsingHeader(group.name, group.addresses.size() < 20 ? ImGuiTreeNodeFlags_DefaultOpen : 0))
            continue;
        if (!ImGui::BeginTable(group.name, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) continue;
        for (uint16_t addr : group.addresses) {
            const std::string name(csr_name(addr));
            const uint64_t now = model.harts[h].csrs[addr];
            const uint64_t then = model.at_last_stop.size() > h ? model.at_last_stop[h].csrs[addr] : now;
            value_row(model, name.c_str(), now, then, [&](uint64_t v) {
                csr_write(hart, addr, v); // the CSR's WARL rules apply, as to a csrw
                edited();
            });
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

} // namespace tern::ui
