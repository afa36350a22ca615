#include "ui/views.hpp"

#include <algorithm>

#include <imgui.h>

namespace tern::ui {

void draw_breakpoints(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(8, 760), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(440, 200), ImGuiCond_FirstUseEver);
    ImGui::Begin("Breakpoints");
    Machine& m = model.machine;
    ImGui::SetNextItemWidth(170);
    ImGui::InputScalar("##bp", ImGuiDataType_U64, &model.new_breakpoint, nullptr, nullptr, "%llx",
                       ImGuiInputTextFlags_CharsHexadecimal | ImGuiInputTextFlags_AutoSelectAll);
    model.probe("breakpoint address");
    ImGui::SameLine();
    if (ImGui::Button("add breakpoint")) m.add_breakpoint(model.new_breakpoint);
    model.probe("add breakpoint");

    Watchpoint& w = model.new_watchpoint;
    ImGui::SetNextItemWidth(170);
    ImGui::InputScalar("##wp", ImGuiDataType_U64, &w.address, nullptr, nullptr, "%llx",
                       ImGuiInputTextFlags_CharsHexadecimal | ImGuiInputTextFlags_AutoSelectAll);
    model.probe("watchpoint address");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(60);
    ImGui::InputScalar("bytes", ImGuiDataType_U64, &w.length);
    ImGui::Checkbox("read", &w.read);
    ImGui::SameLine();
    ImGui::Checkbox("write", &w.write);
    ImGui::SameLine();
    ImGui::Checkbox("physical", &w.physical);
    ImGui::SameLine();
    if (ImGui::Button("add watchpoint") && (w.read || w.write)) m.add_watchpoint(w);
    model.probe("add watchpoint");
    ImGui::Separator();

    std::vector<uint64_t> pcs(m.breakpoints().begin(), m.breakpoints().end());
    std::sort(pcs.begin(), pcs.end());
    for (size_t i = 0; i < pcs.size(); ++i) {
        const uint64_t pc = pcs[i];
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x")) m.remove_breakpoint(pc);
        model.probe("remove breakpoint " + std::to_string(i));
        ImGui::SameLine();
        ImGui::Text("execute %016llx", static_cast<unsigned long long>(pc));
        ImGui::PopID();
    }
    const std::vector<Watchpoint> watches = m.watchpoints(); // a copy: removing changes the list
    for (size_t i = 0; i < watches.size(); ++i) {
        const Watchpoint& each = watches[i];
        ImGui::PushID(static_cast<int>(i) + 1'000'000);
        if (ImGui::SmallButton("x")) m.remove_watchpoint(each);
        model.probe("remove watchpoint " + std::to_string(i));
        ImGui::SameLine();
        ImGui::Text("%s%s %s %016llx +%llu", each.read ? "r" : "", each.write ? "w" : "",
                    each.physical ? "physical" : "virtual", static_cast<unsigned long long>(each.address),
                    static_cast<unsigned long long>(each.length));
        ImGui::PopID();
    }
    ImGui::End();
}

} // namespace tern::ui
