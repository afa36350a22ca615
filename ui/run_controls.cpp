#include "ui/views.hpp"

#include <imgui.h>

namespace tern::ui {

void draw_run_controls(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(8, 8), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(440, 170), ImGuiCond_FirstUseEver);
    ImGui::Begin("Run");
    if (model.stopped) {
        if (ImGui::Button("Continue (F5)")) model.resume();
        model.probe("continue");
        ImGui::SameLine();
        if (ImGui::Button("Step (F11)")) model.step();
        model.probe("step");
    } else {
        if (ImGui::Button("Pause (F6)")) model.stop();
        model.probe("pause");
    }
    ImGui::SameLine();
    ImGui::TextUnformatted(model.status.c_str());
    if (ImGui::BeginTable("harts", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("hart");
        ImGui::TableSetupColumn("state");
        ImGui::TableSetupColumn("pc");
        ImGui::TableSetupColumn("MIPS");
        ImGui::TableHeadersRow();
        for (unsigned i = 0; i < model.harts.size(); ++i) {
            const HartView& h = model.harts[i];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char label[16];
            std::snprintf(label, sizeof label, "hart %u", i);
            if (ImGui::Selectable(label, model.hart == i, ImGuiSelectableFlags_SpanAllColumns)) model.hart = i;
            model.probe(label);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(model.stopped ? "stopped" : h.state.wfi ? "WFI" : "running");
            ImGui::TableNextColumn();
            ImGui::Text("%016llx", static_cast<unsigned long long>(h.state.pc));
            ImGui::TableNextColumn();
            ImGui::Text("%.1f", h.mips);
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

} // namespace tern::ui
