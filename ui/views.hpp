#pragma once
// The debugger window's panes: each view draws one ImGui window from the model (ui/model.hpp).
#include "ui/model.hpp"

namespace tern::ui {

void draw_run_controls(Model& model); // pause, continue, step; every hart's state and speed
void draw_registers(Model& model);    // x, f, pc, privilege and the CSRs by group; editable while stopped
void draw_disassembly(Model& model);  // around pc; click a line to toggle a breakpoint
void draw_memory(Model& model);       // hex and ASCII, virtual (with the page walk) or physical
void draw_devices(Model& model);      // each device's register map and its state
void draw_guest_errors(Model& model); // the guest-error log, filterable; an entry shows its pc
void draw_breakpoints(Model& model);  // execute breakpoints and watchpoints: add by address, list, remove

} // namespace tern::ui
