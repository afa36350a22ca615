#include "ui/debugger_window.hpp"

#include <cstdlib>
#include <filesystem>

#include <GL/gl.h>
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include "hw/machine.hpp"
#include "ui/model.hpp"
#include "ui/script.hpp"
#include "ui/views.hpp"

namespace tern::ui {

namespace {

// ImGui keeps the window layout in an ini file: in the user's config folder, not the working one.
std::string layout_file() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    if (!xdg && !home) return {};
    const std::filesystem::path dir = std::filesystem::path(xdg ? xdg : std::string(home) + "/.config") / "tern";
    std::error_code ignored;
    std::filesystem::create_directories(dir, ignored);
    return (dir / "debugger.ini").string();
}

// How often the panes of a running machine are refreshed (each refresh pauses the harts briefly).
constexpr auto kRunningRefresh = std::chrono::milliseconds(250);

} // namespace

bool run_debugger_window(Machine& machine, std::string& error) {
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        error = std::string("cannot open the debugger window: ") + SDL_GetError();
        return false;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_Window* window = SDL_CreateWindow("Tern debugger", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1432, 968,
                                          SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
    SDL_GLContext gl = window ? SDL_GL_CreateContext(window) : nullptr;
    if (!gl) {
        error = std::string("cannot open the debugger window: ") + SDL_GetError();
        if (window) SDL_DestroyWindow(window);
        SDL_Quit();
        return false;
    }
    SDL_GL_MakeCurrent(window, gl);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    const std::string ini = layout_file();
    ImGui::GetIO().IniFilename = ini.empty() ? nullptr : ini.c_str();
    ImGui::StyleColorsDark();
    ImGui_ImplSDL2_InitForOpenGL(window, gl);
    ImGui_ImplOpenGL3_Init("#version 130");

    Model model(machine);
    const char* script_path = std::getenv("TERN_UI_SCRIPT");
    Script script = script_path ? Script::load(script_path) : Script{};
    if (script_path) ImGui::GetIO().IniFilename = nullptr; // tests start from the default layout
    model.refresh();
    model.status = machine.debug_stopped() ? "stopped" : "running";

    bool open = true;
    while (open && !machine.exit_requested()) {
        SDL_Event event;
        while (SDL_PollEvent(&event)) {
            ImGui_ImplSDL2_ProcessEvent(&event);
            if (event.type == SDL_QUIT ||
                (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE))
                open = false;
        }
        model.poll();
        if (!model.stopped && std::chrono::steady_clock::now() - model.taken > kRunningRefresh) model.refresh();

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplSDL2_NewFrame();
        if (script_path && !script.before_frame(model)) open = false;
        ImGui::NewFrame();
        // Keys, unless a text field has them: F5 continue, F6 pause, F11 step.
        if (!ImGui::GetIO().WantTextInput) {
            if (model.stopped && ImGui::IsKeyPressed(SDL_SCANCODE_F5, false)) model.resume();
            else if (!model.stopped && ImGui::IsKeyPressed(SDL_SCANCODE_F6, false)) model.stop();
            else if (model.stopped && ImGui::IsKeyPressed(SDL_SCANCODE_F11, false)) model.step();
        }
        draw_run_controls(model);
        draw_registers(model);
        draw_disassembly(model);
        draw_memory(model);
        draw_devices(model);
        draw_guest_errors(model);
        draw_breakpoints(model);
        ImGui::Render();

        int width, height;
        SDL_GL_GetDrawableSize(window, &width, &height);
        glViewport(0, 0, width, height);
        glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (script_path) script.after_render(width, height);
        SDL_GL_SwapWindow(window);
    }
    // Closing the window ends the run as Ctrl-A x does; held harts are let go so they can see the exit.
    machine.request_exit(0);
    if (machine.debug_stopped()) machine.debug_continue();

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return true;
}

} // namespace tern::ui
