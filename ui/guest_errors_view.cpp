#include "ui/views.hpp"

#include <imgui.h>

namespace tern::ui {

void draw_guest_errors(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(1024, 436), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(400, 310), ImGuiCond_FirstUseEver);
    ImGui::Begin("Guest errors");
    char filter[128];
    std::snprintf(filter, sizeof filter, "%s", model.error_filter.c_str());
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextWithHint("##filter", "filter: device, register, message, hartN", filter, sizeof filter))
        model.error_filter = filter;
    const std::vector<GuestErrorEntry> entries = model.machine.guest_errors.snapshot();
    ImGui::Text("%zu entries (%llu recorded)", entries.size(),
                static_cast<unsigned long long>(model.machine.guest_errors.total_recorded()));
    ImGui::BeginChild("entries");
    for (size_t i = 0; i < entries.size(); ++i) {
        const GuestErrorEntry& e = entries[entries.size() - 1 - i]; // newest first
        const std::string line = GuestErrorLog::format(e);
        if (!model.error_filter.empty() && line.find(model.error_filter) == std::string::npos) continue;
        ImGui::PushID(static_cast<int>(i));
        // Selecting an entry shows its pc in the disassembly and its address in the memory pane.
        if (ImGui::Selectable(line.c_str())) {
            if (e.origin.hart >= 0) {
                model.hart = static_cast<unsigned>(e.origin.hart);
                model.goto_pc = e.origin.pc;
            }
            model.memory_address = e.address;
            model.memory_physical = true;
        }
        model.probe("error " + std::to_string(i));
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::End();
}

} // namespace tern::ui
