#include "ui/script.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <GL/gl.h>
#include <SDL.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

namespace tern::ui {

Script Script::load(const std::string& path) {
    Script script;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') script.lines_.push_back(line);
    return script;
}

namespace {
int key_code(const std::string& key) {
    if (key == "enter") return SDL_SCANCODE_RETURN;
    if (key == "f5") return SDL_SCANCODE_F5;
    if (key == "f6") return SDL_SCANCODE_F6;
    if (key == "f11") return SDL_SCANCODE_F11;
    return -1;
}
} // namespace

void Script::apply_mouse() {
    if (!mouse_used_) return;
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(mouse_x_, mouse_y_);
    io.MouseDown[0] = mouse_down_;
}

bool Script::before_frame(Model& model) {
    ImGuiIO& io = ImGui::GetIO();
    // Events queued by the last command: one step per frame, so ImGui sees hover, press and release.
    if (!pending_.empty()) {
        std::istringstream event(pending_.front());
        pending_.pop_front();
        std::string what;
        event >> what;
        if (what == "move") {
            event >> mouse_x_ >> mouse_y_;
            mouse_used_ = true;
        } else if (what == "down" || what == "up") {
            mouse_down_ = what == "down";
        } else if (what == "keydown" || what == "keyup") {
            int code;
            event >> code;
            io.KeysDown[code] = what == "keydown";
        }
        apply_mouse();
        return true;
    }
    apply_mouse();
    if (wait_frames_ > 0) {
        --wait_frames_;
        return true;
    }
    if (stop_frames_ >= 0) {
        if (!model.stopped && stop_frames_-- > 0) return true;
        if (!model.stopped) {
            std::fprintf(stderr, "ui script: the harts did not stop\n");
            return false;
        }
        stop_frames_ = -1;
    }
    if (lines_.empty()) return true;
    const std::string line = lines_.front();
    lines_.pop_front();
    std::istringstream in(line);
    std::string command;
    in >> command;
    std::string rest;
    std::getline(in >> std::ws, rest);
    if (command == "wait") {
        wait_frames_ = std::stoi(rest);
    } else if (command == "sleep") {
        SDL_Delay(static_cast<Uint32>(std::stoi(rest))); // guest time passes; the window is not drawn meanwhile
    } else if (command == "wait-stop") {
        stop_frames_ = 600;
    } else if (command == "click") {
        auto it = model.widgets.find(rest);
        if (it == model.widgets.end()) {
            std::fprintf(stderr, "ui script: no widget '%s' on screen\n", rest.c_str());
            return false;
        }
        const auto& r = it->second;
        const std::string at = std::to_string((r.x0 + r.x1) / 2) + " " + std::to_string((r.y0 + r.y1) / 2);
        pending_ = {"move " + at, "down", "up", "move " + at};
    } else if (command == "type") {
        io.AddInputCharactersUTF8(rest.c_str());
    } else if (command == "key") {
        const int code = key_code(rest);
        if (code < 0) {
            std::fprintf(stderr, "ui script: unknown key '%s'\n", rest.c_str());
            return false;
        }
        pending_ = {"keydown " + std::to_string(code), "keyup " + std::to_string(code)};
    } else if (command == "print") {
        std::istringstream what(rest);
        std::string item;
        unsigned hart = 0, reg = 0;
        what >> item >> hart >> reg;
        if (item == "status") {
            std::printf("ui: status %s\n", model.status.c_str());
        } else if (item == "pc" && hart < model.harts.size()) {
            std::printf("ui: pc %u 0x%llx\n", hart, static_cast<unsigned long long>(model.harts[hart].state.pc));
        } else if (item == "widget") {
            std::string name;
            std::getline(what >> std::ws, name);
            name = rest.substr(rest.find(' ') + 1);
            auto it = model.widgets.find(name);
            if (it == model.widgets.end()) std::printf("ui: widget %s none\n", name.c_str());
            else std::printf("ui: widget %s %.0f %.0f %.0f %.0f\n", name.c_str(), it->second.x0, it->second.y0, it->second.x1, it->second.y1);
        } else if (item == "disasm") {
            std::printf("ui: disasm 0x%llx\n", static_cast<unsigned long long>(model.disasm_address));
        } else if (item == "x" && hart < model.harts.size() && reg < 32) {
            std::printf("ui: x %u %u 0x%llx\n", hart, reg, static_cast<unsigned long long>(model.harts[hart].state.x[reg]));
        } else {
            std::fprintf(stderr, "ui script: cannot print '%s'\n", rest.c_str());
            return false;
        }
        std::fflush(stdout);
    } else if (command == "screenshot") {
        screenshot_ = rest;
    } else if (command == "quit") {
        return false;
    } else {
        std::fprintf(stderr, "ui script: unknown command '%s'\n", line.c_str());
        return false;
    }
    return true;
}

void Script::after_render(int width, int height) {
    if (screenshot_.empty()) return;
    std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 4);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1); // OpenGL's rows go bottom up
    if (!stbi_write_png(screenshot_.c_str(), width, height, 4, pixels.data(), width * 4))
        std::fprintf(stderr, "ui script: cannot write %s\n", screenshot_.c_str());
    else
        std::printf("ui: screenshot %s\n", screenshot_.c_str());
    std::fflush(stdout);
    screenshot_.clear();
}

} // namespace tern::ui
