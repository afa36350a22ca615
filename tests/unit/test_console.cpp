#include <doctest/doctest.h>

#include "core/console.hpp"

using namespace tern;
using Action = ConsoleEscape::Action;

TEST_CASE("Ctrl-A commands: x quits, h helps, Ctrl-A Ctrl-A sends Ctrl-A, others pass through") {
    ConsoleEscape esc;
    uint8_t out = 0;
    CHECK(esc.feed('a', out) == Action::Forward);
    CHECK(out == 'a');
    CHECK(esc.feed(0x01, out) == Action::None);
    CHECK(esc.feed('h', out) == Action::Help);
    CHECK(esc.feed(0x01, out) == Action::None);
    CHECK(esc.feed('i', out) == Action::HartStatus);
    CHECK(esc.feed('x', out) == Action::Forward); // no escape pending: an ordinary x
    CHECK(out == 'x');
    CHECK(esc.feed(0x01, out) == Action::None);
    CHECK(esc.feed(0x01, out) == Action::Forward);
    CHECK(out == 0x01);
    CHECK(esc.feed(0x01, out) == Action::None);
    CHECK(esc.feed('q', out) == Action::None); // unknown command: dropped
    CHECK(esc.feed(0x01, out) == Action::None);
    CHECK(esc.feed('x', out) == Action::Quit);
    CHECK(Console::help_text().find("C-a x") != std::string::npos);
}
