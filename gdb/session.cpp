#include "gdb/session.hpp"

#include <algorithm>

#include "gdb/hex.hpp"
#include "gdb/memory.hpp"
#include "gdb/packet.hpp"
#include "gdb/registers.hpp"
#include "gdb/target_xml.hpp"

namespace tern::gdb {

namespace {

// Error replies: "E" and two hex digits, which GDB shows but does not interpret.
constexpr std::string_view kMalformed = "E01"; // a packet whose fields do not parse
constexpr std::string_view kNoRegister = "E02";
constexpr std::string_view kNoThread = "E03";
constexpr std::string_view kRefused = "E16";  // well-formed, but the machine cannot do it
constexpr std::string_view kBadMemory = "E14"; // nothing readable or writable at that address

std::string hex_number(uint64_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[value & 15]);
        value >>= 4;
    } while (value);
    return out;
}

// "addr,length" (the separator after it is the caller's).
bool parse_range(std::string_view text, uint64_t& address, uint64_t& length) {
    const std::optional<std::string_view> head = take_until(text, ',');
    if (!head) return false;
    const std::optional<uint64_t> a = parse_hex(*head), n = parse_hex(text);
    if (!a || !n) return false;
    address = *a;
    length = *n;
    return true;
}

} // namespace

Session::Session(Machine& machine, StateFiles files) : machine_(&machine), files_(std::move(files)) {}

Outcome Session::handle(std::string_view payload) {
    Outcome out;
    std::string reply;
    if (!payload.empty()) {
        const char kind = payload.front();
        const std::string_view args = payload.substr(1);
        switch (kind) {
        case '?': {
            DebugStop stop = last_stop_;
            stop.reason = DebugStop::Reason::Step; // reported as SIGTRAP, as QEMU does
            reply = stop_reply(stop);
            break;
        }
        case 'g': reply = read_registers(); break;
        case 'G': reply = write_registers(args); break;
        case 'p': reply = read_register(args); break;
        case 'P': reply = write_register(args); break;
        case 'm': reply = read_memory(args); break;
        case 'M': reply = write_memory(args, false); break;
        case 'X': reply = write_memory(args, true); break;
        case 'Z': reply = change_point(args, true); break;
        case 'z': reply = change_point(args, false); break;
        case 'H': reply = set_thread(args); break;
        case 'T': reply = parse_thread(args).value_or(0) > 0 ? "OK" : std::string(kNoThread); break;
        case 'c': reply = resume(args, false, out); break;
        case 's': reply = resume(args, true, out); break;
        case 'C':
        case 'S': {
            // "sig[;addr]": the signal means nothing to a machine; the address is as for c and s.
            std::string_view rest = args;
            const std::optional<std::string_view> sig = take_until(rest, ';');
            if (!parse_hex(sig ? *sig : args)) {
                reply = kMalformed;
                break;
            }
            reply = resume(sig ? rest : std::string_view{}, kind == 'S', out);
            break;
        }
        case 'D':
            reply = "OK";
            out.resume.kind = Resume::Kind::Detach;
            break;
        case 'k': out.resume.kind = Resume::Kind::Kill; return out; // no reply
        case 'q':
        case 'Q':
        case 'v': reply = handle_query(payload, out); break;
        default: break; // an empty reply: not supported
        }
    }
    // A resumed machine answers later, with its stop.
    if (out.resume.kind != Resume::Kind::Continue && out.resume.kind != Resume::Kind::ContinueHart &&
        out.resume.kind != Resume::Kind::Step)
        out.replies.push_back(std::move(reply));
    return out;
}

std::string Session::handle_query(std::string_view payload, Outcome& out) {
    auto starts = [&](std::string_view prefix) { return payload.starts_with(prefix); };
    if (starts("qSupported"))
        return "PacketSize=" + hex_number(PacketReader::kMaxPayload) +
               ";qXfer:features:read+;QStartNoAckMode+;vContSupported+";
    if (payload == "QStartNoAckMode") return "OK"; // the server stops acknowledging after this reply
    if (starts("qXfer:features:read:")) return read_features(payload.substr(20));
    if (payload == "qfThreadInfo") {
        std::string reply = "m";
        for (size_t h = 0; h < machine_->harts.size(); ++h)
            reply += (h ? "," : "") + hex_number(h + 1);
        return reply;
    }
    if (payload == "qsThreadInfo") return "l";
    if (payload == "qC") return "QC" + hex_number(register_hart().id() + 1u);
    if (payload == "qAttached" || starts("qAttached:")) return "1"; // an existing machine: detach, not kill
    if (starts("qThreadExtraInfo,")) return thread_extra_info(payload.substr(17));
    if (starts("qRcmd,")) return monitor(payload.substr(6), out);
    if (payload == "qSymbol::") return "OK";
    if (payload == "vCont?") return "vCont;c;C;s;S";
    if (starts("vCont;")) return resume_vcont(payload.substr(6), out);
    if (starts("vKill")) {
        out.resume.kind = Resume::Kind::Kill;
        return "OK";
    }
    return {}; // vMustReplyEmpty, qOffsets, qTStatus, ...: not supported
}

// ---- threads ----

std::optional<int> Session::parse_thread(std::string_view text) const {
    if (text == "-1") return -1;
    const std::optional<uint64_t> id = parse_hex(text);
    if (!id || *id > machine_->harts.size()) return std::nullopt;
    return static_cast<int>(*id);
}

Hart& Session::register_hart() {
    const int hart = general_hart_ >= 0 ? general_hart_ : static_cast<int>(last_stop_.hart);
    return *machine_->harts[static_cast<size_t>(hart) < machine_->harts.size() ? hart : 0];
}

unsigned Session::step_hart() const {
    const unsigned hart = continue_hart_ >= 0 ? static_cast<unsigned>(continue_hart_) : last_stop_.hart;
    return hart < machine_->harts.size() ? hart : 0;
}

std::string Session::set_thread(std::string_view args) {
    if (args.empty() || (args.front() != 'g' && args.front() != 'c')) return std::string(kMalformed);
    const std::optional<int> thread = parse_thread(args.substr(1));
    if (!thread) return std::string(kNoThread);
    // -1 (all) and 0 (any): the stopped hart for registers; all harts for c, it for s.
    (args.front() == 'g' ? general_hart_ : continue_hart_) = *thread > 0 ? *thread - 1 : -1;
    return "OK";
}

std::string Session::thread_extra_info(std::string_view args) {
    const std::optional<int> thread = parse_thread(args);
    if (!thread || *thread <= 0) return std::string(kNoThread);
    const HartState& s = machine_->harts[static_cast<size_t>(*thread - 1)]->state;
    static constexpr const char* kPrivilege[] = {"U", "S", "?", "M"};
    std::string text = "hart " + std::to_string(*thread - 1) + ", " + kPrivilege[static_cast<unsigned>(s.priv) & 3] +
                       "-mode" + (s.wfi ? ", in WFI" : "");
    return hex_bytes(text);
}

// ---- registers ----

std::string Session::read_registers() {
    Hart& hart = register_hart();
    std::string reply;
    for (unsigned r = 0; r < kGPacketRegisters; ++r)
        append_hex_le(reply, *gdb::read_register(hart, r), 8);
    return reply;
}

std::string Session::write_registers(std::string_view hex) {
    if (hex.size() != kGPacketRegisters * 16) return std::string(kMalformed);
    uint64_t values[kGPacketRegisters];
    for (unsigned r = 0; r < kGPacketRegisters; ++r) {
        const std::optional<uint64_t> value = parse_hex_le(hex.substr(16 * r, 16), 8);
        if (!value) return std::string(kMalformed);
        values[r] = *value;
    }
    Hart& hart = register_hart();
    for (unsigned r = 0; r < kGPacketRegisters; ++r)
        gdb::write_register(hart, r, values[r]);
    return "OK";
}

std::string Session::read_register(std::string_view args) {
    const std::optional<uint64_t> regnum = parse_hex(args);
    if (!regnum) return std::string(kMalformed);
    const unsigned size = *regnum <= kPrivRegnum ? register_size(static_cast<unsigned>(*regnum)) : 0;
    if (!size) return std::string(kNoRegister);
    std::string reply;
    append_hex_le(reply, *gdb::read_register(register_hart(), static_cast<unsigned>(*regnum)), size);
    return reply;
}

std::string Session::write_register(std::string_view args) {
    const std::optional<std::string_view> number = take_until(args, '=');
    const std::optional<uint64_t> regnum = number ? parse_hex(*number) : std::nullopt;
    if (!regnum) return std::string(kMalformed);
    const unsigned size = *regnum <= kPrivRegnum ? register_size(static_cast<unsigned>(*regnum)) : 0;
    if (!size) return std::string(kNoRegister);
    const std::optional<uint64_t> value = parse_hex_le(args, size);
    if (!value) return std::string(kMalformed);
    return gdb::write_register(register_hart(), static_cast<unsigned>(*regnum), *value) ? "OK" : std::string(kRefused);
}

// ---- memory ----

std::string Session::read_memory(std::string_view args) {
    uint64_t address, length;
    if (!parse_range(args, address, length)) return std::string(kMalformed);
    // GDB asks for no more than PacketSize allows; a longer request gets what fits (a short read).
    std::vector<uint8_t> bytes(std::min(length, kMaxTransfer));
    const size_t got = gdb::read_memory(*machine_, register_hart(), address, bytes, physical_);
    if (got == 0 && !bytes.empty()) return std::string(kBadMemory);
    std::string reply;
    append_hex_bytes(reply, std::span(bytes).first(got));
    return reply;
}

std::string Session::write_memory(std::string_view args, bool binary) {
    const std::optional<std::string_view> range = take_until(args, ':');
    uint64_t address, length;
    if (!range || !parse_range(*range, address, length) || length > kMaxTransfer) return std::string(kMalformed);
    std::vector<uint8_t> bytes;
    if (binary) {
        const std::optional<std::string> data = unescape(args);
        if (!data) return std::string(kMalformed);
        bytes.assign(data->begin(), data->end());
    } else {
        std::optional<std::vector<uint8_t>> data = parse_hex_bytes(args);
        if (!data) return std::string(kMalformed);
        bytes = std::move(*data);
    }
    if (bytes.size() != length) return std::string(kMalformed);
    if (bytes.empty()) return "OK"; // GDB's probe for X
    return gdb::write_memory(register_hart(), address, bytes, physical_) ? "OK" : std::string(kBadMemory);
}

// ---- breakpoints and watchpoints ----

std::string Session::change_point(std::string_view args, bool insert) {
    // "type,addr,kind", maybe followed by ";cond..." (never sent: the features are not offered).
    std::string_view fields = args.substr(0, args.find(';'));
    const std::optional<std::string_view> type = take_until(fields, ',');
    uint64_t address, kind;
    if (!type || type->size() != 1 || !parse_range(fields, address, kind)) return std::string(kMalformed);
    const char t = type->front();
    if (t == '0' || t == '1') { // software and hardware breakpoints are the same thing here
        if (kind != 2 && kind != 4) return std::string(kMalformed); // the instruction's size
        if (insert) {
            if (breakpoints_[address]++ == 0) machine_->add_breakpoint(address);
            return "OK";
        }
        auto it = breakpoints_.find(address);
        if (it == breakpoints_.end()) return std::string(kRefused);
        if (--it->second == 0) {
            machine_->remove_breakpoint(address);
            breakpoints_.erase(it);
        }
        return "OK";
    }
    if (t < '2' || t > '4') return {}; // an unknown type: not supported
    const Watchpoint point{address, kind, t != '2', t != '3', physical_};
    if (insert) {
        if (watchpoints_.size() >= kMaxWatchpoints || !machine_->add_watchpoint(point))
            return std::string(kRefused); // too many, or an empty or too long range
        watchpoints_.push_back({point, t});
        return "OK";
    }
    // GDB removes what it inserted, with the same fields; the memory mode may have changed since.
    auto it = std::find_if(watchpoints_.begin(), watchpoints_.end(), [&](const WatchpointEntry& e) {
        return e.type == t && e.point.address == address && e.point.length == kind;
    });
    if (it == watchpoints_.end()) return std::string(kRefused);
    machine_->remove_watchpoint(it->point);
    watchpoints_.erase(it);
    return "OK";
}

void Session::clear_points() {
    for (const auto& [address, count] : breakpoints_)
        machine_->remove_breakpoint(address);
    for (const WatchpointEntry& e : watchpoints_)
        machine_->remove_watchpoint(e.point);
    breakpoints_.clear();
    watchpoints_.clear();
}

void Session::set_machine(Machine& machine) {
    machine_ = &machine;
    for (const auto& [address, count] : breakpoints_)
        machine.add_breakpoint(address);
    for (const WatchpointEntry& e : watchpoints_)
        machine.add_watchpoint(e.point);
    const int harts = static_cast<int>(machine.harts.size());
    if (general_hart_ >= harts) general_hart_ = -1;
    if (continue_hart_ >= harts) continue_hart_ = -1;
    if (last_stop_.hart >= machine.harts.size()) last_stop_.hart = 0;
}

// ---- running ----

std::string Session::resume(std::string_view args, bool step, Outcome& out) {
    if (!args.empty()) { // c addr, s addr: resume there
        const std::optional<uint64_t> address = parse_hex(args);
        if (!address) return std::string(kMalformed);
        gdb::write_register(*machine_->harts[step_hart()], kPcRegnum, *address);
    }
    out.resume = {step ? Resume::Kind::Step : Resume::Kind::Continue, step_hart()};
    return {}; // the stop reply comes when the machine stops
}

std::string Session::resume_vcont(std::string_view actions, Outcome& out) {
    // "action[:thread]" separated by ';'. A step of one thread wins (the others stay stopped for that
    // one instruction); a continue of one thread alone runs only it (GDB's software single-step: a
    // breakpoint on the next instruction, then vCont;c:N); any other continue resumes every hart.
    bool any = false, all = false;
    std::optional<unsigned> step;
    std::vector<unsigned> alone;
    while (!actions.empty()) {
        const size_t semicolon = std::min(actions.find(';'), actions.size());
        std::string_view action = actions.substr(0, semicolon);
        actions.remove_prefix(std::min(semicolon + 1, actions.size()));
        std::string_view thread_text;
        if (const size_t colon = action.find(':'); colon != std::string_view::npos) {
            thread_text = action.substr(colon + 1);
            action = action.substr(0, colon);
        }
        if (action.empty()) return std::string(kMalformed);
        const char a = action.front();
        if ((a == 'C' || a == 'S') ? !parse_hex(action.substr(1)) : (action.size() != 1 || (a != 'c' && a != 's')))
            return std::string(kMalformed);
        std::optional<int> thread = -1;
        if (!thread_text.empty() && !(thread = parse_thread(thread_text))) return std::string(kNoThread);
        any = true;
        if ((a == 's' || a == 'S') && !step)
            step = *thread > 0 ? static_cast<unsigned>(*thread - 1) : step_hart();
        if (a == 'c' || a == 'C') {
            if (*thread > 0)
                alone.push_back(static_cast<unsigned>(*thread - 1));
            else
                all = true;
        }
    }
    if (!any) return std::string(kMalformed);
    if (step)
        out.resume = {Resume::Kind::Step, *step};
    else if (!all && alone.size() == 1)
        out.resume = {Resume::Kind::ContinueHart, alone.front()};
    else
        out.resume = {Resume::Kind::Continue, 0};
    return {};
}

std::string Session::stop_reply(const DebugStop& stop) {
    note_stop(stop);
    std::string reply = stop.reason == DebugStop::Reason::Interrupted ? "T02" : "T05";
    if (stop.reason == DebugStop::Reason::Watchpoint) {
        // GDB finds its watchpoint by an address inside it: the access may start below the range.
        for (const WatchpointEntry& e : watchpoints_) {
            const Watchpoint& w = e.point;
            if (!(stop.write ? w.write : w.read)) continue;
            if (stop.address - w.address >= w.length && w.address - stop.address >= 8) continue;
            const char* kind = e.type == '2' ? "watch" : e.type == '3' ? "rwatch" : "awatch";
            const uint64_t inside = stop.address - w.address < w.length ? stop.address : w.address;
            reply += std::string(kind) + ":" + hex_number(inside) + ";";
            break;
        }
    }
    return reply + "thread:" + hex_number(stop.hart + 1) + ";";
}

void Session::note_stop(const DebugStop& stop) {
    last_stop_ = stop;
    if (last_stop_.hart >= machine_->harts.size()) last_stop_.hart = 0;
    general_hart_ = continue_hart_ = -1; // the stopped hart, until GDB picks another
}

// ---- queries ----

std::string Session::read_features(std::string_view args) {
    // "target.xml:offset,length"
    const std::optional<std::string_view> annex = take_until(args, ':');
    uint64_t offset, length;
    if (!annex || !parse_range(args, offset, length)) return std::string(kMalformed);
    if (*annex != "target.xml") return "E00";
    const std::string& xml = target_xml();
    if (offset >= xml.size()) return "l";
    // Escaping may double a byte: half the packet's room is always enough.
    const uint64_t n = std::min({length, xml.size() - offset, uint64_t{PacketReader::kMaxPayload / 2 - 1}});
    return (offset + n < xml.size() ? "m" : "l") + escape(std::string_view(xml).substr(offset, n));
}

std::string Session::monitor(std::string_view hex, Outcome& out) {
    const std::optional<std::vector<uint8_t>> bytes = parse_hex_bytes(hex);
    if (!bytes) return std::string(kMalformed);
    const std::string text = monitor_command(*machine_, physical_, files_, std::string(bytes->begin(), bytes->end()));
    // Console output ("O" + hex) in pieces that fit a packet, then OK.
    constexpr size_t kPiece = PacketReader::kMaxPayload / 2 - 1;
    for (size_t at = 0; at < text.size(); at += kPiece)
        out.replies.push_back("O" + hex_bytes(std::string_view(text).substr(at, kPiece)));
    return "OK";
}

} // namespace tern::gdb
