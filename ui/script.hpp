#pragma once
// Drives the debugger window as a person would, for tests: a script of clicks, typing and keys that
// become ImGui input events, plus checks that print what the window shows. One command per line:
//   wait N            let N frames pass
//   wait-stop         until the harts are stopped (at most 10 s)
//   sleep MS          let MS milliseconds pass
//   click NAME        move the mouse to the widget NAME (Model::probe) and click it
//   type TEXT         type TEXT (into the focused field)
//   key KEY           press KEY: enter, f5, f6, f11
//   print WHAT        print a line on stdout: "status", "pc H", "x H R", "disasm"
//   screenshot FILE   save the window as PNG
//   quit              close the window
// From the file named by TERN_UI_SCRIPT; a bad line is reported on stderr and ends the script.
#include <cstdio>
#include <deque>
#include <string>

#include "ui/model.hpp"

namespace tern::ui {

class Script {
  public:
    // Reads `path`; empty when it cannot be read.
    static Script load(const std::string& path);
    bool active() const { return !lines_.empty() || !pending_.empty(); }

    // Before ImGui::NewFrame: feeds this frame's input events. Returns false to close the window.
    bool before_frame(Model& model);
    // After rendering (the frame's pixels are in the back buffer): screenshots.
    void after_render(int width, int height);

  private:
    void apply_mouse();
    std::deque<std::string> lines_;
    std::deque<std::string> pending_; // mouse and key events, one per frame
    // The scripted mouse, applied on every frame once a script has clicked (the platform backend
    // would otherwise put the real pointer's state back each frame).
    bool mouse_used_ = false, mouse_down_ = false;
    float mouse_x_ = 0, mouse_y_ = 0;
    int wait_frames_ = 0;
    int stop_frames_ = -1;
    std::string screenshot_;
};

} // namespace tern::ui
