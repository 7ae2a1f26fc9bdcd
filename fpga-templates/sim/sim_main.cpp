// vitgen simulation kit: runs the generated accelerator top under Verilator, without Java.
//
// What it does, in order (docs/fpga.md, "Simulation kit"):
//   1. reads run.cfg (written by vitgen): the memory image file and where it goes, the command
//      address and image window for the registers, the cycle budget, the memory model's latency
//      and backpressure, and the output regions with their offsets in expected.bin;
//   2. attaches the AXI4 memory model (vitgen_axi_mem.cpp, the same model the project's
//      co-simulations use, with its protocol checks) to m_axi_mem and loads the image into it;
//   3. resets the top, programs the registers over AXI4-Lite (interrupt enable, clear, sticky errors,
//      CMD_ADDR, IMG_BASE, IMG_SIZE, then START) and clocks it until `interrupt` rises;
//   4. writes every output region to outputs.bin and every read-only register (status, error,
//      cycle counters) to counters.txt, and compares the outputs with expected.bin byte for byte.
// Exit code 0: the top reached END without an error and every output byte equals the expected
// one; 1: anything else (mismatch, error bits, no interrupt within the budget, a protocol
// violation), with the first difference named; 2: bad files or arguments.
//
// Usage: ./obj_dir/Vkit [run.cfg] [+trace]   (make run does this)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <type_traits>
#include <string>
#include <vector>

#include "Vdut.h"
#include "kit_regs.h"
#include "verilated.h"
#include "vitgen_axi_mem.h"
#include "vitgen_harness.h"

namespace {

struct Output {
    std::string name;
    uint64_t addr = 0;
    uint64_t bytes = 0;
    uint64_t expectedAt = 0;  // offset in expected.bin
};

struct RunConfig {
    std::string image, expected;
    uint64_t loadAddr = 0, cmdAddr = 0, imgBase = 0, imgSize = 0, maxCycles = 0, seed = 1;
    uint32_t latMin = 1, latMax = 1, readyPermille = 1000;
    std::vector<Output> outputs;
};

struct Sim {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vdut> model;
    std::vector<vitgen::Port> ports;
    vitgen::Port* clk = nullptr;
    vitgen::Port* rstn = nullptr;
    vitgen::Port* irq = nullptr;
    uint64_t cycle = 0;
    std::string error;
};
Sim S;

vitgen::Port* find(const char* name) {
    for (vitgen::Port& p : S.ports)
        if (std::strcmp(p.name, name) == 0) return &p;
    return nullptr;
}

void setBit(vitgen::Port* p, bool v) { *static_cast<CData*>(p->ptr) = v ? 1 : 0; }
bool getBit(const vitgen::Port* p) { return (*static_cast<CData*>(p->ptr) & 1u) != 0; }

// One clock cycle, as the project's harness runs it: the memory model drives its outputs, the
// model settles with the clock low, the model samples the handshakes, then the rising edge.
bool clockCycle() {
    vitgen::axiDrive(S.cycle);
    setBit(S.clk, false);
    S.ctx->time(2 * S.cycle);
    S.model->eval();
    vitgen::axiSample(S.cycle, S.error);
    setBit(S.clk, true);
    S.ctx->time(2 * S.cycle + 1);
    S.model->eval();
    ++S.cycle;
    return S.error.empty() && !S.ctx->gotFinish();
}

void reset(uint32_t cycles) {
    setBit(S.rstn, false);
    vitgen::axiResetStart();
    for (uint32_t i = 0; i < cycles; ++i) {
        setBit(S.clk, false);
        S.ctx->time(2 * S.cycle);
        S.model->eval();
        vitgen::axiResetCycle(S.cycle, i, S.error);
        setBit(S.clk, true);
        S.ctx->time(2 * S.cycle + 1);
        S.model->eval();
        ++S.cycle;
    }
    setBit(S.rstn, true);
}

void put8(std::vector<uint8_t>& o, uint8_t v) { o.push_back(v); }
void put16(std::vector<uint8_t>& o, uint16_t v) { o.push_back(v & 0xFF); o.push_back(v >> 8); }
void put32(std::vector<uint8_t>& o, uint32_t v) { for (int i = 0; i < 4; ++i) o.push_back((v >> (8 * i)) & 0xFF); }
void put64(std::vector<uint8_t>& o, uint64_t v) { for (int i = 0; i < 8; ++i) o.push_back((v >> (8 * i)) & 0xFF); }
void putStr(std::vector<uint8_t>& o, const std::string& s) { put16(o, static_cast<uint16_t>(s.size())); o.insert(o.end(), s.begin(), s.end()); }

// One request to the memory model or the AXI4-Lite driver (ops of vitgen_axi_mem.h).
bool request(uint8_t op, const std::vector<uint8_t>& in, std::vector<uint8_t>& out) {
    out.clear();
    std::string err;
    if (!vitgen::axiHandle(op, in.data(), in.size(), out, err, clockCycle)) {
        S.error = S.error.empty() ? err : S.error;
        return false;
    }
    return true;
}

bool liteWrite(uint32_t addr, uint32_t data) {
    std::vector<uint8_t> in, out;
    putStr(in, "s_axi_control");
    put32(in, addr);
    put32(in, data);
    put8(in, 0xF);
    put32(in, 1000);
    if (!request(vitgen::OP_AXIL_WRITE, in, out)) return false;
    if (out.empty() || out[0] != 0) {
        S.error = "AXI4-Lite write of register 0x" + std::to_string(addr) + " answered " +
                  std::to_string(out.empty() ? -1 : out[0]);
        return false;
    }
    return true;
}

bool liteRead(uint32_t addr, uint32_t& data) {
    std::vector<uint8_t> in, out;
    putStr(in, "s_axi_control");
    put32(in, addr);
    put32(in, 1000);
    if (!request(vitgen::OP_AXIL_READ, in, out) || out.size() < 5) return false;
    data = out[0] | (out[1] << 8) | (out[2] << 16) | (static_cast<uint32_t>(out[3]) << 24);
    return true;
}

bool readFile(const std::string& path, std::vector<uint8_t>& bytes) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

bool parseConfig(const std::string& path, RunConfig& c, std::string& err) {
    std::ifstream f(path);
    if (!f) {
        err = "cannot read " + path;
        return false;
    }
    std::string line;
    int n = 0;
    while (std::getline(f, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream in(line);
        std::string key;
        in >> key;
        auto num = [&](auto& v) {
            std::string s;
            in >> s;
            char* end = nullptr;
            const unsigned long long x = std::strtoull(s.c_str(), &end, 0);
            if (s.empty() || *end != '\0') {
                err = path + " line " + std::to_string(n) + ": '" + key + "' needs a number";
                return false;
            }
            v = static_cast<std::remove_reference_t<decltype(v)>>(x);
            return true;
        };
        bool ok = true;
        if (key == "image") in >> c.image;
        else if (key == "expected") in >> c.expected;
        else if (key == "load_addr") ok = num(c.loadAddr);
        else if (key == "cmd_addr") ok = num(c.cmdAddr);
        else if (key == "img_base") ok = num(c.imgBase);
        else if (key == "img_size") ok = num(c.imgSize);
        else if (key == "max_cycles") ok = num(c.maxCycles);
        else if (key == "seed") ok = num(c.seed);
        else if (key == "latency_min") ok = num(c.latMin);
        else if (key == "latency_max") ok = num(c.latMax);
        else if (key == "ready_permille") ok = num(c.readyPermille);
        else if (key == "output") {
            Output o;
            in >> o.name;
            ok = num(o.addr) && num(o.bytes) && num(o.expectedAt);
            c.outputs.push_back(o);
        } else {
            err = path + " line " + std::to_string(n) + ": unknown key '" + key + "'";
            return false;
        }
        if (!ok) return false;
    }
    if (c.image.empty() || c.expected.empty() || c.maxCycles == 0 || c.outputs.empty()) {
        err = path + ": needs image, expected, max_cycles and at least one output";
        return false;
    }
    return true;
}

std::string dirOf(const std::string& path) {
    const size_t at = path.find_last_of('/');
    return at == std::string::npos ? std::string() : path.substr(0, at + 1);
}

}  // namespace

int main(int argc, char** argv) {
    std::string cfgPath = "run.cfg";
    for (int i = 1; i < argc; ++i)
        if (argv[i][0] != '+') cfgPath = argv[i];
    RunConfig cfg;
    std::string err;
    if (!parseConfig(cfgPath, cfg, err)) {
        std::fprintf(stderr, "vitgen sim: %s\n", err.c_str());
        return 2;
    }
    const std::string dir = dirOf(cfgPath);
    std::vector<uint8_t> image, expected;
    if (!readFile(dir + cfg.image, image) || !readFile(dir + cfg.expected, expected)) {
        std::fprintf(stderr, "vitgen sim: cannot read %s or %s\n", (dir + cfg.image).c_str(),
                     (dir + cfg.expected).c_str());
        return 2;
    }

    S.ctx = std::make_unique<VerilatedContext>();
    S.ctx->commandArgs(argc, argv);
    S.ctx->randReset(2);  // random initial state: the top must not depend on it
    S.ctx->randSeed(static_cast<int>(cfg.seed));
    S.model = std::make_unique<Vdut>(S.ctx.get());
    vitgen_port_table(S.model.get(), S.ports);
    S.clk = find("aclk");
    S.rstn = find("aresetn");
    S.irq = find("interrupt");
    if (!S.clk || !S.rstn || !S.irq) {
        std::fprintf(stderr, "vitgen sim: the top needs aclk, aresetn and interrupt ports\n");
        return 2;
    }
    // Every input starts at 0 (Verilator would leave them at their random initial value): an
    // AXI4-Lite master that is not talking holds its VALIDs low.
    for (vitgen::Port& p : S.ports) {
        if (p.dir != vitgen::DIR_IN) continue;
        const size_t n = p.bytes ? static_cast<size_t>(p.bytes) : 4 * static_cast<size_t>((p.width + 31) / 32);
        std::memset(p.ptr, 0, n);
    }
    vitgen::axiConstruct(&S.ports, S.rstn, cfg.seed);

    std::vector<uint8_t> in, out;
    put8(in, 0);
    putStr(in, "m_axi_mem");
    put64(in, cfg.seed);
    put32(in, cfg.latMin);
    put32(in, cfg.latMax);
    for (int i = 0; i < 5; ++i) put16(in, static_cast<uint16_t>(cfg.readyPermille));
    put8(in, 1);  // reorder read data and write responses across IDs
    bool ok = request(vitgen::OP_AXI_ATTACH, in, out);
    if (ok) {
        in.clear();
        put8(in, 0);
        put64(in, cfg.loadAddr);
        put32(in, static_cast<uint32_t>(image.size()));
        in.insert(in.end(), image.begin(), image.end());
        ok = request(vitgen::OP_AXI_MEM_WRITE, in, out);
    }
    if (ok) {
        reset(4);
        ok = S.error.empty() && liteWrite(KIT_REG_IRQ_ENABLE, 3) && liteWrite(KIT_REG_IRQ_STATUS, 3) &&
             liteWrite(KIT_REG_ERROR, 0x3F) && liteWrite(KIT_REG_CMD_ADDR, static_cast<uint32_t>(cfg.cmdAddr)) &&
             liteWrite(KIT_REG_IMG_BASE, static_cast<uint32_t>(cfg.imgBase)) &&
             liteWrite(KIT_REG_IMG_SIZE, static_cast<uint32_t>(cfg.imgSize));
    }
    uint64_t started = S.cycle;
    bool raised = false;
    if (ok) {
        ok = liteWrite(KIT_REG_CONTROL, 1);
        started = S.cycle;
        while (ok && !(raised = getBit(S.irq)) && S.cycle - started <= cfg.maxCycles) ok = clockCycle();
    }
    const uint64_t cycles = S.cycle - started;
    if (!ok) {
        std::fprintf(stderr, "vitgen sim: FAIL at cycle %llu: %s\n", static_cast<unsigned long long>(S.cycle),
                     S.error.c_str());
        return 1;
    }

    // Registers: status, errors and every counter, into counters.txt.
    uint32_t status = 0, error = 0;
    std::ofstream counters(dir + "counters.txt");
    counters << "cycles_to_interrupt " << cycles << "\n";
    for (const KitRegister& r : kKitRegisters) {
        uint32_t v = 0;
        if (!liteRead(r.offset, v)) {
            std::fprintf(stderr, "vitgen sim: FAIL reading %s: %s\n", r.name, S.error.c_str());
            return 1;
        }
        if (r.offset == KIT_REG_STATUS) status = v;
        if (r.offset == KIT_REG_ERROR) error = v;
        counters << r.name << " " << v << "\n";
    }
    counters.close();

    // Outputs: dump, then compare byte for byte.
    std::vector<uint8_t> got;
    std::string firstDiff;
    uint64_t diffs = 0;
    for (const Output& o : cfg.outputs) {
        in.clear();
        put8(in, 0);
        put64(in, o.addr);
        put32(in, static_cast<uint32_t>(o.bytes));
        if (!request(vitgen::OP_AXI_MEM_READ, in, out) || out.size() != 4 + o.bytes) {
            std::fprintf(stderr, "vitgen sim: FAIL reading output %s\n", o.name.c_str());
            return 1;
        }
        for (uint64_t i = 0; i < o.bytes; ++i) {
            const uint8_t g = out[4 + i];
            got.push_back(g);
            const uint64_t at = o.expectedAt + i;
            const int want = at < expected.size() ? expected[at] : -1;
            if (want != g) {
                if (diffs == 0) {
                    char buf[200];
                    std::snprintf(buf, sizeof buf, "output %s byte %llu (address 0x%llx): expected %d, got %d",
                                  o.name.c_str(), static_cast<unsigned long long>(i),
                                  static_cast<unsigned long long>(o.addr + i), want, g);
                    firstDiff = buf;
                }
                ++diffs;
            }
        }
    }
    std::ofstream(dir + "outputs.bin", std::ios::binary).write(reinterpret_cast<const char*>(got.data()),
                                                              static_cast<std::streamsize>(got.size()));
    S.model->final();

    const bool done = (status & 2) != 0;
    std::printf("vitgen sim: %llu cycles from START to the interrupt; STATUS 0x%x, ERROR 0x%x; %llu output bytes\n",
                static_cast<unsigned long long>(cycles), status, error, static_cast<unsigned long long>(got.size()));
    if (!raised) {
        std::printf("vitgen sim: FAIL: no interrupt within %llu cycles\n", static_cast<unsigned long long>(cfg.maxCycles));
        return 1;
    }
    if (!done || error != 0) {
        std::printf("vitgen sim: FAIL: the top stopped with ERROR 0x%x (see counters.txt)\n", error);
        return 1;
    }
    if (diffs != 0) {
        std::printf("vitgen sim: FAIL: %llu bytes differ; first: %s\n", static_cast<unsigned long long>(diffs),
                    firstDiff.c_str());
        return 1;
    }
    std::printf("vitgen sim: PASS: every output byte equals expected.bin (outputs.bin, counters.txt written)\n");
    return 0;
}
