#pragma once
// The debugger window (--ui): SDL2 + OpenGL 3 + Dear ImGui, next to a running guest. The machine
// runs on its own thread as without the window; the window reads and changes it only through the
// debug interface and pause_all (ui/model.hpp), so a running guest is never raced.
#include <string>

namespace tern {
class Machine;
}

namespace tern::ui {

// Serves the window until it is closed (the run then ends, as Ctrl-A x ends it) or the machine
// exits. False with `error` set when no window can be opened (no display, no OpenGL).
bool run_debugger_window(Machine& machine, std::string& error);

} // namespace tern::ui
