#pragma once
// A level-triggered interrupt wire from a device to an interrupt controller.
#include <cstdint>

namespace tern {

class InterruptController {
  public:
    virtual ~InterruptController() = default;
    virtual void set_level(uint32_t source, bool level) = 0;
};

class IrqLine {
  public:
    IrqLine() = default;
    IrqLine(InterruptController* controller, uint32_t source) : controller_(controller), source_(source) {}
    void set(bool level) {
        if (controller_ && level != level_) controller_->set_level(source_, level);
        level_ = level;
    }
    bool level() const { return level_; }
    // Savestate load: the line's level as saved, without telling the controller,
    // which loads its own side (input levels, pending bits) from its own fields.
    void restore(bool level) { level_ = level; }
    uint32_t source() const { return source_; }

  private:
    InterruptController* controller_ = nullptr;
    uint32_t source_ = 0;
    bool level_ = false;
};

} // namespace tern
