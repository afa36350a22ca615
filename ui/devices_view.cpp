#include "ui/views.hpp"

#include <imgui.h>

#include "core/device.hpp"

namespace tern::ui {

namespace {
const char* access_name(RegAccess access) {
    switch (access) {
    case RegAccess::RO: return "RO";
    case RegAccess::WO: return "WO";
    case RegAccess::RW: return "RW";
    case RegAccess::W1C: return "W1C";
    }
    return "?";
}
} // namespace

void draw_devices(Model& model) {
    ImGui::SetNextWindowPos(ImVec2(1024, 8), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(400, 420), ImGuiCond_FirstUseEver);
    ImGui::Begin("Devices");
    for (Device* device : model.machine.bus.devices()) {
        char header[64];
        std::snprintf(header, sizeof header, "%s @ %llx", std::string(device->name()).c_str(),
                      static_cast<unsigned long long>(device->base()));
        const bool open = ImGui::CollapsingHeader(header);
        model.probe(std::string(device->name()));
        if (!open) continue;
        ImGui::PushID(device);
        // The register map, as the bus checks it.
        if (ImGui::BeginTable("registers", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
            for (const char* column : {"register", "offset", "size", "access", "reset"}) ImGui::TableSetupColumn(column);
            ImGui::TableHeadersRow();
            for (const RegisterDecl& reg : device->registers()) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                if (reg.count > 1)
                    ImGui::Text("%.*s[%u]", static_cast<int>(reg.name.size()), reg.name.data(), reg.count);
                else
                    ImGui::Text("%.*s", static_cast<int>(reg.name.size()), reg.name.data());
                ImGui::TableNextColumn();
                ImGui::Text("+%llx", static_cast<unsigned long long>(reg.offset));
                ImGui::TableNextColumn();
                ImGui::Text("%u", reg.size);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(access_name(reg.access));
                ImGui::TableNextColumn();
                ImGui::Text("%llx", static_cast<unsigned long long>(reg.reset));
            }
            ImGui::EndTable();
        }
        // The device's state: its savestate fields, listed as a savestate would write them (no register
        // read, which could have side effects), taken with the harts paused and the device lock held.
        const bool state_open = ImGui::TreeNode("state");
        model.probe(std::string(device->name()) + " state");
        if (state_open) {
            std::vector<std::pair<std::string, uint64_t>> fields;
            StateArchive archive([&](std::string_view name, uint64_t value) { fields.emplace_back(name, value); });
            model.machine.pause_all();
            {
                auto lock = model.machine.bus.lock_devices();
                device->serialize(archive);
            }
            model.machine.resume_all();
            for (const auto& [name, value] : fields)
                ImGui::Text("%-20s %llx", name.c_str(), static_cast<unsigned long long>(value));
            ImGui::TreePop();
        }
        ImGui::PopID();
    }
    ImGui::End();
}

} // namespace tern::ui
