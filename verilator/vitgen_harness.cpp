// vitgen co-simulation harness main (hand-written, shared by every DUT).
//
// The Java side (io.vitgen.sim.Simulation) starts this program as a child process and talks to it
// over stdin/stdout with length-framed binary messages (docs/cosim.md, "Protocol"):
//   request  = u32 length | u8 op     | payload     (length counts op + payload)
//   response = u32 length | u8 status | payload     (status OK, ERROR or TIMEOUT)
// All integers are little-endian; port values travel as 32-bit words, least significant first.
//
// Stalls and stream drivers execute here, in C++, so Java exchanges chunks of thousands of
// cycles per round trip. Verilog output ($display, Verilator's own messages) goes to stderr: the
// protocol owns the original stdout descriptor. $fatal/$error/$stop/$finish end the model with an
// ERROR frame naming the cycle; the harness exits when stdin closes.
//
// Modes:
//   harness                          serve the protocol on stdin/stdout
//   harness --replay FILE [--waves W] [--dump]
//                                    re-run a recorded request stream without Java; --dump prints
//                                    every beat the sinks take, --waves writes FST/VCD (traced
//                                    builds only)
//   harness --bench-loop N [--seed S]
//                                    a plain C++ loop over the model (all inputs random, valid and
//                                    ready high), printing cycles per second: the benchmark's
//                                    reference
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vdut.h"
#include "verilated.h"
#include "vitgen_harness.h"
#include "vitgen_axi_mem.h"  // AXI4 memory models and AXI4-Lite driver (ops 32..63)

#if VM_TRACE
#if VM_TRACE_FST
#include "verilated_fst_c.h"
using TraceFile = VerilatedFstC;
#else
#include "verilated_vcd_c.h"
using TraceFile = VerilatedVcdC;
#endif
#endif

namespace {

using vitgen::Port;

constexpr uint32_t kProtocolVersion = 2;
constexpr uint16_t kNoPort = 0xFFFF;

enum Op : uint8_t {
    OP_HELLO = 1,
    OP_POKE = 2,
    OP_PEEK = 3,
    OP_RESET = 4,
    OP_SOURCE = 5,
    OP_SINK = 6,
    OP_PUSH = 7,
    OP_RUN = 8,
    OP_QUIT = 9,
};

enum Status : uint8_t { ST_OK = 0, ST_ERROR = 1, ST_TIMEOUT = 2 };

int wordsFor(int width) { return (width + 31) / 32; }

// ---------------------------------------------------------------------------------------------
// Random numbers: splitmix64 seeding + xorshift64*, one generator per driver so that adding a
// driver does not change the pattern of another.
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed = 1) {
        uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        s = (z ^ (z >> 31)) | 1ULL;
    }
    uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1DULL;
    }
    // true with probability permille / 1000
    bool chance(int permille) {
        if (permille >= 1000) return true;
        if (permille <= 0) return false;
        return ((next() >> 32) * 1000ULL >> 32) < static_cast<uint64_t>(permille);
    }
};

// ---------------------------------------------------------------------------------------------
// Port access as 32-bit words. Inputs are masked to their width (Verilator does not mask).
void readPort(const Port& p, uint32_t* w) {
    switch (p.bytes) {
    case 1: w[0] = *static_cast<CData*>(p.ptr); break;
    case 2: w[0] = *static_cast<SData*>(p.ptr); break;
    case 4: w[0] = *static_cast<IData*>(p.ptr); break;
    case 8: {
        const QData q = *static_cast<QData*>(p.ptr);
        w[0] = static_cast<uint32_t>(q);
        if (p.width > 32) w[1] = static_cast<uint32_t>(q >> 32);
        break;
    }
    default: std::memcpy(w, p.ptr, sizeof(uint32_t) * wordsFor(p.width)); break;
    }
}

uint32_t topMask(int width) {
    const int r = width % 32;
    return r == 0 ? 0xFFFFFFFFu : ((1u << r) - 1u);
}

void writePort(const Port& p, const uint32_t* w) {
    const int n = wordsFor(p.width);
    switch (p.bytes) {
    case 1: *static_cast<CData*>(p.ptr) = static_cast<CData>(w[0] & topMask(p.width)); break;
    case 2: *static_cast<SData*>(p.ptr) = static_cast<SData>(w[0] & topMask(p.width)); break;
    case 4: *static_cast<IData*>(p.ptr) = w[0] & topMask(p.width); break;
    case 8: {
        QData q = w[0];
        if (n > 1) q |= static_cast<QData>(w[1] & topMask(p.width)) << 32;
        else q &= topMask(p.width);
        *static_cast<QData*>(p.ptr) = q;
        break;
    }
    default: {
        auto* dst = static_cast<uint32_t*>(p.ptr);
        std::memcpy(dst, w, sizeof(uint32_t) * n);
        dst[n - 1] &= topMask(p.width);
        break;
    }
    }
}

// Single-bit handshake signals are always CData.
inline bool readBit(const Port* p) { return (*static_cast<CData*>(p->ptr) & 1u) != 0; }
inline void writeBit(const Port* p, bool v) { *static_cast<CData*>(p->ptr) = v ? 1 : 0; }

// ---------------------------------------------------------------------------------------------
// Byte buffers for frames.
struct Writer {
    std::vector<uint8_t> b;
    void u8(uint8_t v) { b.push_back(v); }
    void u16(uint16_t v) { u8(v & 0xFF); u8(v >> 8); }
    void u32(uint32_t v) { for (int i = 0; i < 4; ++i) u8((v >> (8 * i)) & 0xFF); }
    void u64(uint64_t v) { for (int i = 0; i < 8; ++i) u8((v >> (8 * i)) & 0xFF); }
    void words(const uint32_t* w, size_t n) {
        const size_t at = b.size();
        b.resize(at + 4 * n);
        std::memcpy(b.data() + at, w, 4 * n);  // x86-64 / aarch64: little-endian
    }
};

struct Reader {
    const uint8_t* p;
    const uint8_t* end;
    bool ok = true;
    bool need(size_t n) {
        if (static_cast<size_t>(end - p) < n) ok = false;
        return ok;
    }
    uint8_t u8() { if (!need(1)) return 0; return *p++; }
    uint16_t u16() { uint16_t v = u8(); v |= static_cast<uint16_t>(u8()) << 8; return v; }
    uint32_t u32() { uint32_t v = 0; for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i); return v; }
    uint64_t u64() { uint64_t v = 0; for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(u8()) << (8 * i); return v; }
    const uint32_t* words(size_t n) {
        if (!need(4 * n)) return nullptr;
        const auto* w = reinterpret_cast<const uint32_t*>(p);
        p += 4 * n;
        return w;
    }
};

// ---------------------------------------------------------------------------------------------
// Stream drivers. A beat is stored as [data words][flags word: bit0 = tlast][keep words][user words].
struct StreamPorts {
    Port* data = nullptr;
    Port* valid = nullptr;
    Port* ready = nullptr;
    Port* last = nullptr;
    Port* keep = nullptr;
    Port* user = nullptr;
    int dw = 0, kw = 0, uw = 0;
    int stride() const { return dw + 1 + kw + uw; }
};

struct Source {
    StreamPorts sp;
    int permille = 1000;
    Rng rng;
    std::vector<uint32_t> queue;  // beats back to back
    size_t head = 0;              // index of the first unsent word
    bool presenting = false;      // tvalid is high with the beat at `head`
    uint64_t waits = 0;           // cycles with tvalid high and tready low (the DUT stalled us)
    size_t pendingBeats() const { return (queue.size() - head) / sp.stride(); }
};

struct Sink {
    StreamPorts sp;
    int permille = 1000;
    Rng rng;
    bool readyNow = false;
    bool stalled = false;             // last cycle: valid && !ready
    uint64_t stallCycles = 0;         // cycles with tvalid high and tready low (we stalled the DUT)
    std::vector<uint32_t> held;       // the beat shown while stalled
    std::vector<uint32_t> scratch;
    std::vector<uint32_t> taken;      // [beat][cycle lo][cycle hi] back to back
    uint32_t takenBeats = 0;
};

// ---------------------------------------------------------------------------------------------
// Harness state (globals so that Verilator's vl_fatal/vl_stop hooks can reach it).
struct Harness {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vdut> model;
    std::vector<Port> ports;
    Port* clk = nullptr;
    Port* rstn = nullptr;
    std::vector<Source> sources;
    std::vector<Sink> sinks;
    uint64_t cycle = 0;
    uint64_t halfPeriod = 5;  // in units of the model's time precision
    int outFd = -1;           // protocol responses (or -1 when replaying)
    bool replay = false;
    bool dump = false;
    std::string wavesPath;
    std::string error;        // a stream-contract violation found during RUN
#if VM_TRACE
    std::unique_ptr<TraceFile> trace;
#endif
} H;

void writeAll(int fd, const uint8_t* p, size_t n) {
    while (n > 0) {
        const ssize_t k = ::write(fd, p, n);
        if (k <= 0) std::_Exit(4);  // parent gone
        p += k;
        n -= static_cast<size_t>(k);
    }
}

void sendFrame(uint8_t status, const Writer& payload) {
    if (H.outFd < 0) return;
    Writer head;
    head.u32(static_cast<uint32_t>(payload.b.size() + 1));
    head.u8(status);
    writeAll(H.outFd, head.b.data(), head.b.size());
    if (!payload.b.empty()) writeAll(H.outFd, payload.b.data(), payload.b.size());
}

void sendError(const std::string& msg) {
    std::fflush(stdout);
    std::fflush(stderr);
    if (H.replay) std::fprintf(stderr, "vitgen harness: ERROR at cycle %llu: %s\n",
                               static_cast<unsigned long long>(H.cycle), msg.c_str());
    Writer w;
    w.u64(H.cycle);
    w.u32(static_cast<uint32_t>(msg.size()));
    for (char c : msg) w.u8(static_cast<uint8_t>(c));
    sendFrame(ST_ERROR, w);
}

void closeTrace() {
#if VM_TRACE
    if (H.trace) {
        H.trace->close();
        H.trace.reset();
        std::fprintf(stderr, "vitgen harness: waveform written to %s\n", H.wavesPath.c_str());
    }
#endif
}

[[noreturn]] void modelStopped(const char* what, const char* filename, int linenum, const char* msg) {
    std::string m = std::string(what) + " at " + (filename && filename[0] ? filename : "?") + ":" +
                    std::to_string(linenum);
    if (msg && msg[0]) m += ": " + std::string(msg);
    sendError(m);
    closeTrace();
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(3);
}

void dumpTrace() {
#if VM_TRACE
    if (H.trace) H.trace->dump(H.ctx->time());
#endif
}

// Seeded junk on an input port (any width; absent ports are skipped).
void junkPort(Rng& rng, Port* p) {
    if (!p) return;
    uint32_t w[256];
    const int n = wordsFor(p->width);
    if (n > 256) return;
    for (int i = 0; i < n; ++i) w[i] = static_cast<uint32_t>(rng.next() >> 32);
    writePort(*p, w);
}

// ---------------------------------------------------------------------------------------------
// One clock cycle: drive, settle with the clock low, sample handshakes, rising edge.
void clockCycle() {
    for (Source& s : H.sources) {
        if (!s.presenting && s.head < s.queue.size() && s.rng.chance(s.permille)) {
            const uint32_t* b = s.queue.data() + s.head;
            writePort(*s.sp.data, b);
            if (s.sp.last) writeBit(s.sp.last, (b[s.sp.dw] & 1u) != 0);
            if (s.sp.keep) writePort(*s.sp.keep, b + s.sp.dw + 1);
            if (s.sp.user) writePort(*s.sp.user, b + s.sp.dw + 1 + s.sp.kw);
            s.presenting = true;
        } else if (!s.presenting) {
            // While tvalid is low every field the source drives (tdata, tlast, tkeep, tuser)
            // carries fresh junk from the driver's seeded generator, every idle cycle, so a DUT
            // that samples any of them without tvalid is caught.
            junkPort(s.rng, s.sp.data);
            junkPort(s.rng, s.sp.last);
            junkPort(s.rng, s.sp.keep);
            junkPort(s.rng, s.sp.user);
        }
        writeBit(s.sp.valid, s.presenting);
    }
    for (Sink& k : H.sinks) {
        k.readyNow = k.rng.chance(k.permille);
        writeBit(k.sp.ready, k.readyNow);
    }
    vitgen::axiDrive(H.cycle);  // AXI hook: slave outputs of this cycle
    writeBit(H.clk, false);
    H.ctx->time(2 * H.cycle * H.halfPeriod);
    H.model->eval();
    dumpTrace();

    for (Source& s : H.sources) {
        if (s.presenting && readBit(s.sp.ready)) {
            s.head += s.sp.stride();
            if (s.head == s.queue.size()) {
                s.queue.clear();
                s.head = 0;
            } else if (s.head > (1u << 16) && s.head * 2 > s.queue.size()) {
                s.queue.erase(s.queue.begin(), s.queue.begin() + static_cast<long>(s.head));
                s.head = 0;
            }
            s.presenting = false;
        } else if (s.presenting) {
            ++s.waits;
        }
    }
    for (Sink& k : H.sinks) {
        const bool valid = readBit(k.sp.valid);
        if (k.stalled || valid) {
            uint32_t* b = k.scratch.data();
            readPort(*k.sp.data, b);
            b[k.sp.dw] = (k.sp.last && readBit(k.sp.last)) ? 1u : 0u;
            if (k.sp.keep) readPort(*k.sp.keep, b + k.sp.dw + 1);
            if (k.sp.user) readPort(*k.sp.user, b + k.sp.dw + 1 + k.sp.kw);
            if (k.stalled) {
                const char* what = nullptr;
                if (!valid) what = "tvalid dropped";
                else if (std::memcmp(b, k.held.data(), 4 * k.sp.dw) != 0) what = "tdata changed";
                else if (std::memcmp(b + k.sp.dw, k.held.data() + k.sp.dw,
                                     4 * (k.sp.stride() - k.sp.dw)) != 0)
                    what = "tlast/tkeep/tuser changed";
                if (what && H.error.empty()) {
                    H.error = std::string("AXI4-Stream contract violated on ") + k.sp.valid->name +
                              ": " + what + " while the beat was stalled (valid && !ready)";
                }
            }
            if (valid && k.readyNow) {
                k.taken.insert(k.taken.end(), b, b + k.sp.stride());
                k.taken.push_back(static_cast<uint32_t>(H.cycle));
                k.taken.push_back(static_cast<uint32_t>(H.cycle >> 32));
                ++k.takenBeats;
                k.stalled = false;
            } else if (valid) {
                if (!k.stalled) k.held.assign(b, b + k.sp.stride());
                k.stalled = true;
                ++k.stallCycles;
            } else {
                k.stalled = false;
            }
        }
    }

    vitgen::axiSample(H.cycle, H.error);  // AXI hook: handshakes and protocol checks

    writeBit(H.clk, true);
    H.ctx->time((2 * H.cycle + 1) * H.halfPeriod);
    H.model->eval();
    dumpTrace();
    ++H.cycle;
}

// AXI hook: one clock cycle for the AXI4-Lite driver; false once the run has failed.
bool axiStep() {
    clockCycle();
    return H.error.empty();
}

void resetCycles(uint32_t n) {
    for (Source& s : H.sources) {
        s.presenting = false;
        writeBit(s.sp.valid, false);
    }
    for (Sink& k : H.sinks) {
        k.stalled = false;
        writeBit(k.sp.ready, false);
    }
    if (H.rstn) writeBit(H.rstn, false);
    vitgen::axiResetStart();  // AXI hook
    for (uint32_t i = 0; i < n; ++i) {
        writeBit(H.clk, false);
        H.ctx->time(2 * H.cycle * H.halfPeriod);
        H.model->eval();
        dumpTrace();
        vitgen::axiResetCycle(H.cycle, i, H.error);  // AXI hook
        writeBit(H.clk, true);
        H.ctx->time((2 * H.cycle + 1) * H.halfPeriod);
        H.model->eval();
        dumpTrace();
        ++H.cycle;
    }
    if (H.rstn) writeBit(H.rstn, true);
}

// ---------------------------------------------------------------------------------------------
// Commands.
bool portIndex(uint16_t idx, Port** out) {
    if (idx == kNoPort) {
        *out = nullptr;
        return true;
    }
    if (idx >= H.ports.size()) return false;
    *out = &H.ports[idx];
    return true;
}

bool readStreamPorts(Reader& r, StreamPorts& sp, std::string& err) {
    uint16_t idx[6];
    for (uint16_t& i : idx) i = r.u16();
    Port** slots[6] = {&sp.data, &sp.valid, &sp.ready, &sp.last, &sp.keep, &sp.user};
    for (int i = 0; i < 6; ++i) {
        if (!portIndex(idx[i], slots[i])) {
            err = "bad port index";
            return false;
        }
    }
    if (!sp.data || !sp.valid || !sp.ready) {
        err = "a stream needs tdata, tvalid and tready";
        return false;
    }
    if (sp.data->width > 64 * 32) {
        err = "tdata wider than 2048 bits is not supported";
        return false;
    }
    sp.dw = wordsFor(sp.data->width);
    sp.kw = sp.keep ? wordsFor(sp.keep->width) : 0;
    sp.uw = sp.user ? wordsFor(sp.user->width) : 0;
    return true;
}

void construct(uint64_t seed, uint8_t randReset) {
    H.ctx = std::make_unique<VerilatedContext>();
    H.ctx->randReset(randReset);
    int s = static_cast<int>((seed ^ (seed >> 31)) & 0x7FFFFFFF);
    H.ctx->randSeed(s == 0 ? 1 : s);  // 0 would mean "seed from the clock"
    H.ctx->errorLimit(1);
#if VM_TRACE
    if (!H.wavesPath.empty()) H.ctx->traceEverOn(true);
#endif
    H.model = std::make_unique<Vdut>(H.ctx.get(), "TOP");
    vitgen_port_table(H.model.get(), H.ports);
    for (Port& p : H.ports) {
        if (std::strcmp(p.name, "aclk") == 0) H.clk = &p;
        if (std::strcmp(p.name, "aresetn") == 0) H.rstn = &p;
    }
    vitgen::axiConstruct(&H.ports, H.rstn, seed);  // AXI hook
    // A 10 ns clock period expressed in the model's time precision (10^prec seconds).
    int prec = H.ctx->timeprecision();
    uint64_t half = 5;
    for (int e = -9; e > prec; --e) half *= 10;
    H.halfPeriod = half;
#if VM_TRACE
    if (!H.wavesPath.empty()) {
        H.trace = std::make_unique<TraceFile>();
        H.model->trace(H.trace.get(), 99);
        H.trace->open(H.wavesPath.c_str());
    }
#endif
    if (H.clk) writeBit(H.clk, false);
    if (H.rstn) writeBit(H.rstn, true);
    H.model->eval();
}

void dumpBeats(size_t sinkIndex, const Sink& k) {
    const int stride = k.sp.stride() + 2;
    for (size_t at = 0; at < k.taken.size(); at += stride) {
        const uint32_t* b = k.taken.data() + at;
        const uint64_t cyc = b[stride - 2] | (static_cast<uint64_t>(b[stride - 1]) << 32);
        std::fprintf(stderr, "sink %zu (%s) cycle %llu data 0x", sinkIndex, k.sp.data->name,
                     static_cast<unsigned long long>(cyc));
        for (int i = k.sp.dw - 1; i >= 0; --i) std::fprintf(stderr, "%08x", b[i]);
        std::fprintf(stderr, " last %u", b[k.sp.dw] & 1u);
        if (k.sp.keep) std::fprintf(stderr, " keep 0x%x", b[k.sp.dw + 1]);
        std::fprintf(stderr, "\n");
    }
}

// Returns false when the harness must stop serving.
bool handle(const uint8_t* frame, size_t len) {
    Reader r{frame, frame + len};
    const uint8_t op = r.u8();
    Writer w;
    std::string err;
    if (!H.model && op != OP_HELLO) {
        sendError("protocol: HELLO must come first");
        return false;
    }
    switch (op) {
    case OP_HELLO: {
        const uint32_t version = r.u32();
        const uint64_t seed = r.u64();
        const uint8_t randReset = r.u8();
        if (!r.ok || version != kProtocolVersion || H.model) {
            sendError("protocol: bad HELLO (version " + std::to_string(version) + ", expected " +
                      std::to_string(kProtocolVersion) + ")");
            return false;
        }
        construct(seed, randReset);
        w.u32(kProtocolVersion);
        w.u32(static_cast<uint32_t>(H.ports.size()));
        sendFrame(ST_OK, w);
        return true;
    }
    case OP_POKE: {
        Port* p = nullptr;
        const uint16_t idx = r.u16();
        const uint16_t n = r.u16();
        const uint32_t* words = r.words(n);
        if (!r.ok || !portIndex(idx, &p) || !p || p->dir == vitgen::DIR_OUT ||
            n != wordsFor(p->width)) {
            sendError("protocol: bad POKE");
            return false;
        }
        writePort(*p, words);
        sendFrame(ST_OK, w);
        return true;
    }
    case OP_PEEK: {
        Port* p = nullptr;
        const uint16_t idx = r.u16();
        if (!r.ok || !portIndex(idx, &p) || !p) {
            sendError("protocol: bad PEEK");
            return false;
        }
        // Inputs poked since the last edge reach combinational outputs only after an eval.
        H.model->eval();
        std::vector<uint32_t> v(wordsFor(p->width));
        readPort(*p, v.data());
        w.u16(static_cast<uint16_t>(v.size()));
        w.words(v.data(), v.size());
        sendFrame(ST_OK, w);
        return true;
    }
    case OP_RESET: {
        const uint32_t n = r.u32();
        if (!r.ok) {
            sendError("protocol: bad RESET");
            return false;
        }
        resetCycles(n);
        if (!H.error.empty()) {  // AXI hook: a VALID high during reset
            sendError(H.error);
            return false;
        }
        w.u64(H.cycle);
        sendFrame(ST_OK, w);
        return true;
    }
    case OP_SOURCE:
    case OP_SINK: {
        const uint8_t id = r.u8();
        StreamPorts sp;
        if (!readStreamPorts(r, sp, err)) {
            sendError("protocol: " + err);
            return false;
        }
        const uint16_t permille = r.u16();
        if (!r.ok) {
            sendError("protocol: bad SOURCE/SINK");
            return false;
        }
        const uint64_t base = H.ctx->randSeed() * 0x100000001B3ULL + (op == OP_SINK ? 0x5150 : 0x50);
        if (op == OP_SOURCE) {
            if (id == H.sources.size()) {
                H.sources.emplace_back();
                H.sources.back().rng = Rng(base + 7919ULL * id);
            } else if (id > H.sources.size()) {
                sendError("protocol: source ids must be dense");
                return false;
            }
            Source& s = H.sources[id];
            s.sp = sp;
            s.permille = permille;
        } else {
            if (id == H.sinks.size()) {
                H.sinks.emplace_back();
                H.sinks.back().rng = Rng(base + 104729ULL * id);
            } else if (id > H.sinks.size()) {
                sendError("protocol: sink ids must be dense");
                return false;
            }
            Sink& k = H.sinks[id];
            // A new ready rate for the same sink keeps its contract state: a beat stalled now
            // must still be held stable. Only a sink on other ports starts afresh.
            const bool samePorts = k.held.size() == static_cast<size_t>(sp.stride()) && k.sp.data == sp.data
                && k.sp.valid == sp.valid && k.sp.ready == sp.ready && k.sp.last == sp.last
                && k.sp.keep == sp.keep && k.sp.user == sp.user;
            k.sp = sp;
            k.permille = permille;
            if (!samePorts) {
                k.scratch.assign(sp.stride(), 0);
                k.held.assign(sp.stride(), 0);
                k.stalled = false;
            }
        }
        sendFrame(ST_OK, w);
        return true;
    }
    case OP_PUSH: {
        const uint8_t id = r.u8();
        const uint32_t count = r.u32();
        if (!r.ok || id >= H.sources.size()) {
            sendError("protocol: bad PUSH");
            return false;
        }
        Source& s = H.sources[id];
        const uint32_t* words = r.words(static_cast<size_t>(count) * s.sp.stride());
        if (!r.ok) {
            sendError("protocol: truncated PUSH");
            return false;
        }
        s.queue.insert(s.queue.end(), words, words + static_cast<size_t>(count) * s.sp.stride());
        w.u32(static_cast<uint32_t>(s.pendingBeats()));
        sendFrame(ST_OK, w);
        return true;
    }
    case OP_RUN: {
        const uint64_t maxCycles = r.u64();
        const uint8_t mode = r.u8();
        const uint16_t n = r.u16();
        std::vector<uint32_t> need(H.sinks.size(), 0);
        for (uint16_t i = 0; i < n; ++i) {
            const uint32_t v = r.u32();
            if (i < need.size()) need[i] = v;
        }
        if (!r.ok || n != H.sinks.size()) {
            sendError("protocol: bad RUN");
            return false;
        }
        const uint64_t start = H.cycle;
        bool reached = mode == 0;
        while (true) {
            if (mode == 1) {
                bool all = true;
                for (size_t i = 0; i < H.sinks.size(); ++i)
                    if (H.sinks[i].takenBeats < need[i]) all = false;
                if (all) {
                    reached = true;
                    break;
                }
            }
            if (H.cycle - start >= maxCycles) break;
            clockCycle();
            if (!H.error.empty()) break;
        }
        if (!H.error.empty()) {
            sendError(H.error);  // the run is failed; the harness ends like on a model error
            return false;
        }
        w.u64(H.cycle - start);
        w.u64(H.cycle);
        w.u16(static_cast<uint16_t>(H.sinks.size()));
        for (size_t i = 0; i < H.sinks.size(); ++i) {
            Sink& k = H.sinks[i];
            if (H.dump) dumpBeats(i, k);
            w.u32(k.takenBeats);
            w.words(k.taken.data(), k.taken.size());
            k.taken.clear();
            k.takenBeats = 0;
            w.u64(k.stallCycles);
        }
        w.u16(static_cast<uint16_t>(H.sources.size()));
        for (Source& s : H.sources) {
            w.u32(static_cast<uint32_t>(s.pendingBeats()));
            w.u64(s.waits);
        }
        sendFrame(reached ? ST_OK : ST_TIMEOUT, w);
        return true;
    }
    case OP_QUIT:
        sendFrame(ST_OK, w);
        return false;
    default:
        if (op >= 32 && op < 64) {  // AXI hook: memory models and the AXI4-Lite driver
            if (!vitgen::axiHandle(op, r.p, static_cast<size_t>(r.end - r.p), w.b, err, axiStep)) {
                sendError(H.error.empty() ? err : H.error);
                return false;
            }
            w.u64(H.cycle);
            sendFrame(ST_OK, w);
            return true;
        }
        sendError("protocol: unknown op " + std::to_string(op));
        return false;
    }
}

bool readAll(int fd, uint8_t* p, size_t n) {
    while (n > 0) {
        const ssize_t k = ::read(fd, p, n);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<size_t>(k);
    }
    return true;
}

int serve(int inFd) {
    std::vector<uint8_t> frame;
    uint64_t frames = 0;
    while (true) {
        uint8_t lenBytes[4];
        if (!readAll(inFd, lenBytes, 4)) break;  // stdin closed: the parent is gone or done
        const uint32_t len = lenBytes[0] | (lenBytes[1] << 8) | (lenBytes[2] << 16) |
                             (static_cast<uint32_t>(lenBytes[3]) << 24);
        frame.resize(len);
        if (!readAll(inFd, frame.data(), len)) break;
        ++frames;
        if (!handle(frame.data(), len)) break;
    }
    if (H.model) H.model->final();
    closeTrace();
    if (H.replay) {
        std::fprintf(stderr, "vitgen harness: replayed %llu requests, %llu cycles, no model error\n",
                     static_cast<unsigned long long>(frames), static_cast<unsigned long long>(H.cycle));
    }
    return 0;
}

// A plain C++ loop over the same model: every input random each cycle, *_tvalid and *_tready
// high, *_tlast every 256th cycle. The benchmark compares the protocol path against this.
int benchLoop(uint64_t cycles, uint64_t seed) {
    construct(seed, 0);
    Rng rng(seed);
    std::vector<Port*> data, ones, lasts, outs;
    auto endsWith = [](const char* s, const char* suf) {
        const size_t a = std::strlen(s), b = std::strlen(suf);
        return a >= b && std::strcmp(s + a - b, suf) == 0;
    };
    for (Port& p : H.ports) {
        if (&p == H.clk || &p == H.rstn) continue;
        if (p.dir == vitgen::DIR_OUT) outs.push_back(&p);
        else if (endsWith(p.name, "_tvalid") || endsWith(p.name, "_tready")) ones.push_back(&p);
        else if (endsWith(p.name, "_tlast")) lasts.push_back(&p);
        else data.push_back(&p);
    }
    resetCycles(8);
    uint32_t words[64] = {};
    uint32_t sink[64] = {};
    uint32_t checksum = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0; c < cycles; ++c) {
        for (Port* p : data) {
            const int n = wordsFor(p->width) < 64 ? wordsFor(p->width) : 64;
            for (int i = 0; i < n; i += 2) {
                const uint64_t r = rng.next();
                words[i] = static_cast<uint32_t>(r);
                words[i + 1] = static_cast<uint32_t>(r >> 32);
            }
            writePort(*p, words);
        }
        for (Port* p : ones) writeBit(p, true);
        for (Port* p : lasts) writeBit(p, (c & 255) == 255);
        writeBit(H.clk, false);
        H.model->eval();
        for (Port* p : outs) {
            if (p->width <= 64 * 32) {
                readPort(*p, sink);
                checksum ^= sink[0];
            }
        }
        writeBit(H.clk, true);
        H.model->eval();
        ++H.cycle;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("cycles %llu seconds %.6f cycles_per_second %.0f checksum %08x\n",
                static_cast<unsigned long long>(cycles), secs, cycles / secs, checksum);
    H.model->final();
    return 0;
}

}  // namespace

// Verilator's user hooks (compiled with -DVL_USER_FATAL -DVL_USER_STOP -DVL_USER_FINISH): a model
// that stops itself ends only this process, and Java learns the cycle and the reason.
void vl_fatal(const char* filename, int linenum, const char* hier, const char* msg) {
    (void)hier;
    modelStopped("model fatal error", filename, linenum, msg);
}
void vl_stop(const char* filename, int linenum, const char* hier) {
    (void)hier;
    modelStopped("model stopped ($stop/$error/$fatal)", filename, linenum, nullptr);
}
void vl_finish(const char* filename, int linenum, const char* hier) {
    (void)hier;
    modelStopped("model called $finish", filename, linenum, nullptr);
}

int main(int argc, char** argv) {
    std::string replayPath;
    uint64_t benchCycles = 0;
    uint64_t benchSeed = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--replay" && hasValue) replayPath = argv[++i];
        else if (a == "--waves" && hasValue) H.wavesPath = argv[++i];
        else if (a == "--dump") H.dump = true;
        else if (a == "--bench-loop" && hasValue) benchCycles = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--seed" && hasValue) benchSeed = std::strtoull(argv[++i], nullptr, 10);
        else {
            std::fprintf(stderr,
                         "usage: %s [--replay FILE [--waves OUT.fst|OUT.vcd] [--dump]] "
                         "[--bench-loop CYCLES [--seed S]]\n",
                         argv[0]);
            return 2;
        }
    }
#if !VM_TRACE
    if (!H.wavesPath.empty()) {
        std::fprintf(stderr, "vitgen harness: --waves needs a traced build (vitgen.waves)\n");
        return 2;
    }
#endif
    if (benchCycles > 0) return benchLoop(benchCycles, benchSeed);

    int inFd = 0;
    if (!replayPath.empty()) {
        inFd = ::open(replayPath.c_str(), O_RDONLY);
        if (inFd < 0) {
            std::perror(replayPath.c_str());
            return 2;
        }
        H.replay = true;
        H.outFd = -1;
    } else {
        // The protocol keeps the original stdout; everything printed to stdout from here on
        // ($display, Verilator messages) lands on stderr.
        H.outFd = ::dup(1);
        ::dup2(2, 1);
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    return serve(inFd);
}
