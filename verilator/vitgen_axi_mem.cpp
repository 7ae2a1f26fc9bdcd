// vitgen co-simulation harness: AXI4 slave memory models and an AXI4-Lite master driver
// (declarations and the op formats in vitgen_axi_mem.h; behaviour in docs/axi.md).
//
// A memory model serves one AXI4 master port <prefix>_{ar,r,aw,w,b}* of the DUT: a sparse byte
// memory, a seeded random latency per transaction (from the address handshake to the first read
// beat, or from the last write beat to the response), random backpressure on all five channels
// (ARREADY, AWREADY, WREADY low, RVALID, BVALID late), read data and write responses out of order
// across IDs when asked (in order within an ID; a read burst is never interleaved), injected
// SLVERR/DECERR on address ranges (an errored write changes no byte), and protocol checks on every
// channel the DUT drives: VALID held and the payload stable until READY, INCR bursts only, no 4 KB
// crossing, ARSIZE/AWSIZE within the bus, WLAST on exactly the last beat, WSTRB only on active
// byte lanes, and every VALID low from the second reset cycle to the first cycle after reset (with
// random initial state this is the two-state form of "no X on VALID after reset"). A violation
// ends the run with the cycle and the channel.
#include "vitgen_axi_mem.h"

#include <cstring>
#include <memory>
#include <unordered_map>

namespace vitgen {
namespace {

int words(int width) { return (width + 31) / 32; }

void rd(const Port* p, uint32_t* w) {
    switch (p->bytes) {
    case 1: w[0] = *static_cast<CData*>(p->ptr); break;
    case 2: w[0] = *static_cast<SData*>(p->ptr); break;
    case 4: w[0] = *static_cast<IData*>(p->ptr); break;
    case 8: {
        const QData q = *static_cast<QData*>(p->ptr);
        w[0] = static_cast<uint32_t>(q);
        if (p->width > 32) w[1] = static_cast<uint32_t>(q >> 32);
        break;
    }
    default: std::memcpy(w, p->ptr, 4 * words(p->width)); break;
    }
}

uint64_t rd64(const Port* p) {
    if (!p) return 0;
    uint32_t w[2] = {0, 0};
    if (p->width <= 64) rd(p, w);
    return w[0] | (static_cast<uint64_t>(w[1]) << 32);
}

uint32_t mask(int width) { return width % 32 == 0 ? 0xFFFFFFFFu : ((1u << (width % 32)) - 1u); }

void wr(const Port* p, const uint32_t* w) {
    if (!p) return;
    const int n = words(p->width);
    switch (p->bytes) {
    case 1: *static_cast<CData*>(p->ptr) = static_cast<CData>(w[0] & mask(p->width)); break;
    case 2: *static_cast<SData*>(p->ptr) = static_cast<SData>(w[0] & mask(p->width)); break;
    case 4: *static_cast<IData*>(p->ptr) = w[0] & mask(p->width); break;
    case 8: {
        QData q = w[0];
        if (n > 1) q |= static_cast<QData>(w[1] & mask(p->width)) << 32;
        else q &= mask(p->width);
        *static_cast<QData*>(p->ptr) = q;
        break;
    }
    default: {
        auto* d = static_cast<uint32_t*>(p->ptr);
        std::memcpy(d, w, 4 * n);
        d[n - 1] &= mask(p->width);
        break;
    }
    }
}

void wr64(const Port* p, uint64_t v) {
    const uint32_t w[2] = {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)};
    wr(p, w);
}

bool bit(const Port* p) { return p && (*static_cast<CData*>(p->ptr) & 1u) != 0; }
void setBit(const Port* p, bool v) {
    if (p) *static_cast<CData*>(p->ptr) = v ? 1 : 0;
}

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
    bool chance(int permille) {
        if (permille >= 1000) return true;
        if (permille <= 0) return false;
        return ((next() >> 32) * 1000ULL >> 32) < static_cast<uint64_t>(permille);
    }
    uint32_t between(uint32_t lo, uint32_t hi) {
        if (hi <= lo) return lo;
        return lo + static_cast<uint32_t>(next() % (static_cast<uint64_t>(hi) - lo + 1));
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
    uint8_t u8() { return need(1) ? *p++ : 0; }
    uint16_t u16() { uint16_t v = u8(); v |= static_cast<uint16_t>(u8()) << 8; return v; }
    uint32_t u32() { uint32_t v = 0; for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i); return v; }
    uint64_t u64() { uint64_t v = 0; for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(u8()) << (8 * i); return v; }
    std::string str() {
        const uint16_t n = u16();
        if (!need(n)) return std::string();
        std::string s(reinterpret_cast<const char*>(p), n);
        p += n;
        return s;
    }
};

void put8(std::vector<uint8_t>& o, uint8_t v) { o.push_back(v); }
void put32(std::vector<uint8_t>& o, uint32_t v) { for (int i = 0; i < 4; ++i) o.push_back((v >> (8 * i)) & 0xFF); }
void put64(std::vector<uint8_t>& o, uint64_t v) { for (int i = 0; i < 8; ++i) o.push_back((v >> (8 * i)) & 0xFF); }

std::vector<Port>* gPorts = nullptr;
Port* gRstn = nullptr;
uint64_t gSeed = 1;

Port* find(const std::string& name) {
    for (Port& p : *gPorts)
        if (name == p.name) return &p;
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Sparse memory in 4 KB pages; unwritten bytes read 0.
struct Memory {
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages;
    uint8_t* page(uint64_t addr, bool create) {
        const uint64_t key = addr >> 12;
        auto it = pages.find(key);
        if (it != pages.end()) return it->second.get();
        if (!create) return nullptr;
        auto p = std::make_unique<uint8_t[]>(4096);
        std::memset(p.get(), 0, 4096);
        uint8_t* raw = p.get();
        pages.emplace(key, std::move(p));
        return raw;
    }
    uint8_t get(uint64_t a) {
        const uint8_t* p = page(a, false);
        return p ? p[a & 4095] : 0;
    }
    void set(uint64_t a, uint8_t v) { page(a, true)[a & 4095] = v; }
};

struct ErrorRange {
    uint64_t lo, hi;  // [lo, hi)
    uint8_t resp;     // 2 SLVERR, 3 DECERR
    bool reads, writes;
};

struct Txn {
    uint64_t id = 0;
    uint64_t addr = 0;
    uint32_t beats = 0;
    uint32_t size = 0;      // bytes per beat
    uint32_t beat = 0;      // next beat
    uint64_t readyAt = 0;   // cycle from which it may be answered
    uint8_t resp = 0;
    uint64_t seq = 0;       // arrival order
};

// The payload of one DUT-driven channel, for the stability check.
struct Channel {
    const char* name = "";
    Port* valid = nullptr;
    Port* ready = nullptr;
    std::vector<Port*> payload;
    bool stalled = false;
    std::vector<uint32_t> held;
    void snapshot(std::vector<uint32_t>& out) const {
        out.clear();
        for (Port* p : payload) {
            const size_t at = out.size();
            out.resize(at + words(p->width));
            rd(p, out.data() + at);
        }
    }
};

struct AxiMem {
    std::string prefix;
    Rng rng;
    uint32_t latMin = 1, latMax = 1;
    int pm[5] = {1000, 1000, 1000, 1000, 1000};  // ARREADY, RVALID, AWREADY, WREADY, BVALID
    bool reorder = false;
    Memory mem;
    std::vector<ErrorRange> errors;
    int busBytes = 0;
    bool hasRead = false, hasWrite = false;
    // ports
    Port *arid = nullptr, *araddr = nullptr, *arlen = nullptr, *arsize = nullptr, *arburst = nullptr,
         *arvalid = nullptr, *arready = nullptr;
    Port *rid = nullptr, *rdata = nullptr, *rresp = nullptr, *rlast = nullptr, *rvalid = nullptr, *rready = nullptr;
    Port *awid = nullptr, *awaddr = nullptr, *awlen = nullptr, *awsize = nullptr, *awburst = nullptr,
         *awvalid = nullptr, *awready = nullptr;
    Port *wdata = nullptr, *wstrb = nullptr, *wlast = nullptr, *wvalid = nullptr, *wready = nullptr;
    Port *bid = nullptr, *bresp = nullptr, *bvalid = nullptr, *bready = nullptr;
    Channel ar, aw, w;
    // state
    std::vector<Txn> reads;     // accepted, not fully answered
    int rCur = -1;              // index in reads of the burst being answered
    bool rShowing = false;
    std::vector<Txn> writes;    // accepted addresses whose data is not complete (in order)
    std::vector<Txn> resps;     // complete writes awaiting BVALID
    int bCur = -1;
    bool bShowing = false;
    bool arReadyNow = false, awReadyNow = false, wReadyNow = false;
    uint64_t seq = 0;
    // statistics
    uint64_t nReads = 0, nWrites = 0, nReadBeats = 0, nWriteBeats = 0, maxReads = 0, maxWrites = 0,
             nReordered = 0, nErrors = 0, firstBeatCycle = 0, lastBeatCycle = 0;
    std::vector<uint32_t> scratch;

    Port* opt(const char* suffix) { return find(prefix + suffix); }
    Port* req(const char* suffix, std::string& err) {
        Port* p = find(prefix + suffix);
        if (!p && err.empty()) err = "AXI memory " + prefix + ": the DUT has no port " + prefix + suffix;
        return p;
    }

    bool attach(std::string& err) {
        arvalid = opt("_arvalid");
        awvalid = opt("_awvalid");
        hasRead = arvalid != nullptr;
        hasWrite = awvalid != nullptr;
        if (!hasRead && !hasWrite) {
            err = "AXI memory " + prefix + ": the DUT has neither " + prefix + "_arvalid nor " + prefix + "_awvalid";
            return false;
        }
        if (hasRead) {
            arid = opt("_arid"); araddr = req("_araddr", err); arlen = req("_arlen", err);
            arsize = opt("_arsize"); arburst = opt("_arburst"); arready = req("_arready", err);
            rid = opt("_rid"); rdata = req("_rdata", err); rresp = req("_rresp", err); rlast = req("_rlast", err);
            rvalid = req("_rvalid", err); rready = req("_rready", err);
            if (!err.empty()) return false;
            busBytes = rdata->width / 8;
            ar.name = "AR"; ar.valid = arvalid; ar.ready = arready;
            for (Port* p : {arid, araddr, arlen, arsize, arburst}) if (p) ar.payload.push_back(p);
        }
        if (hasWrite) {
            awid = opt("_awid"); awaddr = req("_awaddr", err); awlen = req("_awlen", err);
            awsize = opt("_awsize"); awburst = opt("_awburst"); awready = req("_awready", err);
            wdata = req("_wdata", err); wstrb = req("_wstrb", err); wlast = req("_wlast", err);
            wvalid = req("_wvalid", err); wready = req("_wready", err);
            bid = opt("_bid"); bresp = req("_bresp", err); bvalid = req("_bvalid", err); bready = req("_bready", err);
            if (!err.empty()) return false;
            if (busBytes != 0 && busBytes != wdata->width / 8) {
                err = "AXI memory " + prefix + ": RDATA and WDATA widths differ";
                return false;
            }
            busBytes = wdata->width / 8;
            aw.name = "AW"; aw.valid = awvalid; aw.ready = awready;
            for (Port* p : {awid, awaddr, awlen, awsize, awburst}) if (p) aw.payload.push_back(p);
            w.name = "W"; w.valid = wvalid; w.ready = wready;
            w.payload = {wdata, wstrb, wlast};
        }
        if (busBytes < 1 || (busBytes & (busBytes - 1)) != 0 || busBytes > 256) {
            err = "AXI memory " + prefix + ": data width " + std::to_string(busBytes * 8) +
                  " must be a power of two of at most 2048 bits";
            return false;
        }
        scratch.resize(busBytes / 4 + 2);
        resetState();
        return true;
    }

    void resetState() {
        reads.clear();
        writes.clear();
        resps.clear();
        rCur = bCur = -1;
        rShowing = bShowing = false;
        arReadyNow = awReadyNow = wReadyNow = false;
        ar.stalled = aw.stalled = w.stalled = false;
        setBit(arready, false); setBit(rvalid, false); setBit(awready, false); setBit(wready, false);
        setBit(bvalid, false);
    }

    uint8_t respFor(uint64_t lo, uint64_t hi, bool write) {
        for (const ErrorRange& e : errors) {
            if ((write ? e.writes : e.reads) && lo < e.hi && e.lo < hi) return e.resp;
        }
        return 0;
    }

    std::string violation(uint64_t cycle, const char* chan, const std::string& what) const {
        return "AXI4 protocol violation on " + prefix + " " + chan + " channel in cycle " + std::to_string(cycle) +
               ": " + what;
    }

    // Pick the next burst to answer among those ready: the oldest of each ID; with reorder on, a
    // random one of those, else the oldest overall (which must itself be ready).
    int pick(std::vector<Txn>& q, uint64_t cycle) {
        if (q.empty()) return -1;
        if (!reorder) return q[0].readyAt <= cycle ? 0 : -1;
        int cands[64];
        int n = 0;
        for (size_t i = 0; i < q.size() && n < 64; ++i) {
            bool older = false;
            for (size_t j = 0; j < i; ++j)
                if (q[j].id == q[i].id) { older = true; break; }
            if (!older && q[i].readyAt <= cycle) cands[n++] = static_cast<int>(i);
        }
        if (n == 0) return -1;
        const int c = cands[rng.next() % n];
        if (c != 0) ++nReordered;
        return c;
    }

    uint64_t beatAddr(const Txn& t) const {
        if (t.beat == 0) return t.addr;
        return (t.addr & ~static_cast<uint64_t>(t.size - 1)) + static_cast<uint64_t>(t.beat) * t.size;
    }

    void drive(uint64_t cycle) {
        if (hasRead) {
            arReadyNow = rng.chance(pm[0]);
            setBit(arready, arReadyNow);
            if (!rShowing) {
                if (rCur < 0) rCur = pick(reads, cycle);
                if (rCur >= 0 && rng.chance(pm[1])) {
                    const Txn& t = reads[rCur];
                    const uint64_t base = beatAddr(t) & ~static_cast<uint64_t>(busBytes - 1);
                    auto* bytes = reinterpret_cast<uint8_t*>(scratch.data());
                    for (int i = 0; i < busBytes; ++i) bytes[i] = mem.get(base + i);
                    wr(rdata, scratch.data());
                    wr64(rid, t.id);
                    wr64(rresp, t.resp);
                    setBit(rlast, t.beat + 1 == t.beats);
                    rShowing = true;
                }
            }
            setBit(rvalid, rShowing);
        }
        if (hasWrite) {
            awReadyNow = rng.chance(pm[2]);
            setBit(awready, awReadyNow);
            wReadyNow = !writes.empty() && rng.chance(pm[3]);
            setBit(wready, wReadyNow);
            if (!bShowing) {
                if (bCur < 0) bCur = pick(resps, cycle);
                if (bCur >= 0 && rng.chance(pm[4])) {
                    wr64(bid, resps[bCur].id);
                    wr64(bresp, resps[bCur].resp);
                    bShowing = true;
                }
            }
            setBit(bvalid, bShowing);
        }
    }

    bool checkStable(Channel& c, uint64_t cycle, std::string& error) {
        const bool v = bit(c.valid);
        const bool r = bit(c.ready);
        if (c.stalled) {
            if (!v) {
                error = violation(cycle, c.name, std::string(c.valid->name) + " dropped before " + c.ready->name);
                return false;
            }
            std::vector<uint32_t> now;
            c.snapshot(now);
            if (now != c.held) {
                size_t at = 0;
                std::string which = "payload";
                for (Port* p : c.payload) {
                    const size_t n = words(p->width);
                    if (!std::equal(now.begin() + at, now.begin() + at + n, c.held.begin() + at)) {
                        which = p->name;
                        break;
                    }
                    at += n;
                }
                error = violation(cycle, c.name, which + " changed while " + c.valid->name + " was high and " +
                                                     c.ready->name + " low");
                return false;
            }
        }
        if (v && !r) {
            if (!c.stalled) c.snapshot(c.held);
            c.stalled = true;
        } else {
            c.stalled = false;
        }
        return true;
    }

    bool checkBurst(const char* chan, uint64_t addr, uint32_t len, Port* sizeP, Port* burstP, uint64_t cycle,
                    uint32_t& size, std::string& error) {
        const uint32_t sizeCode = sizeP ? static_cast<uint32_t>(rd64(sizeP)) : 0;
        size = sizeP ? (1u << sizeCode) : static_cast<uint32_t>(busBytes);
        if (size > static_cast<uint32_t>(busBytes)) {
            error = violation(cycle, chan, "burst size " + std::to_string(size) + " bytes exceeds the " +
                                               std::to_string(busBytes) + "-byte bus");
            return false;
        }
        if (burstP && rd64(burstP) != 1) {
            error = violation(cycle, chan, "burst type " + std::to_string(rd64(burstP)) +
                                               " (only INCR = 1 is supported by this memory model)");
            return false;
        }
        const uint64_t first = addr;
        const uint64_t last = (addr & ~static_cast<uint64_t>(size - 1)) + static_cast<uint64_t>(len) * size - 1;
        if ((first >> 12) != (last >> 12)) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "burst at 0x%llx of %u beats x %u bytes crosses a 4 KB boundary",
                          static_cast<unsigned long long>(addr), len, size);
            error = violation(cycle, chan, buf);
            return false;
        }
        return true;
    }

    void sample(uint64_t cycle, std::string& error) {
        if (hasRead) {
            if (!checkStable(ar, cycle, error)) return;
            if (bit(arvalid) && arReadyNow) {
                Txn t;
                t.id = rd64(arid);
                t.addr = rd64(araddr);
                t.beats = static_cast<uint32_t>(rd64(arlen)) + 1;
                if (!checkBurst("AR", t.addr, t.beats, arsize, arburst, cycle, t.size, error)) return;
                t.readyAt = cycle + rng.between(latMin, latMax);
                const uint64_t hi = (t.addr & ~static_cast<uint64_t>(t.size - 1)) + static_cast<uint64_t>(t.beats) * t.size;
                t.resp = respFor(t.addr, hi, false);
                if (t.resp) ++nErrors;
                t.seq = seq++;
                reads.push_back(t);
                ++nReads;
                if (reads.size() > maxReads) maxReads = reads.size();
            }
            if (rShowing && bit(rready)) {
                Txn& t = reads[rCur];
                ++nReadBeats;
                if (firstBeatCycle == 0) firstBeatCycle = cycle;
                lastBeatCycle = cycle;
                if (++t.beat == t.beats) {
                    reads.erase(reads.begin() + rCur);
                    rCur = -1;
                }
                rShowing = false;
            }
        }
        if (hasWrite) {
            if (!checkStable(aw, cycle, error)) return;
            if (!checkStable(w, cycle, error)) return;
            // W first: a beat taken this cycle belongs to a burst whose address came earlier.
            if (bit(wvalid) && wReadyNow) {
                Txn& t = writes.front();
                const uint64_t a = beatAddr(t);
                const uint64_t base = a & ~static_cast<uint64_t>(busBytes - 1);
                const uint64_t lanesLo = a - base;
                const uint64_t lanesHi = (a & ~static_cast<uint64_t>(t.size - 1)) + t.size - base;  // exclusive
                const bool last = bit(wlast);
                if (last != (t.beat + 1 == t.beats)) {
                    error = violation(cycle, "W", std::string(wlast->name) + (last ? " high on beat " : " low on beat ") +
                                                      std::to_string(t.beat + 1) + " of a burst of " +
                                                      std::to_string(t.beats));
                    return;
                }
                uint32_t sw[8] = {0};
                rd(wstrb, sw);
                rd(wdata, scratch.data());
                const auto* bytes = reinterpret_cast<const uint8_t*>(scratch.data());
                for (int i = 0; i < busBytes; ++i) {
                    if (!((sw[i / 32] >> (i % 32)) & 1u)) continue;
                    if (static_cast<uint64_t>(i) < lanesLo || static_cast<uint64_t>(i) >= lanesHi) {
                        error = violation(cycle, "W", std::string(wstrb->name) + " lane " + std::to_string(i) +
                                                          " is set outside the beat's active byte lanes");
                        return;
                    }
                    if (t.resp == 0) mem.set(base + i, bytes[i]);
                }
                ++nWriteBeats;
                if (firstBeatCycle == 0) firstBeatCycle = cycle;
                lastBeatCycle = cycle;
                if (++t.beat == t.beats) {
                    t.readyAt = cycle + rng.between(latMin, latMax);
                    resps.push_back(t);
                    writes.erase(writes.begin());
                }
            }
            if (bit(awvalid) && awReadyNow) {
                Txn t;
                t.id = rd64(awid);
                t.addr = rd64(awaddr);
                t.beats = static_cast<uint32_t>(rd64(awlen)) + 1;
                if (!checkBurst("AW", t.addr, t.beats, awsize, awburst, cycle, t.size, error)) return;
                const uint64_t hi = (t.addr & ~static_cast<uint64_t>(t.size - 1)) + static_cast<uint64_t>(t.beats) * t.size;
                t.resp = respFor(t.addr, hi, true);
                if (t.resp) ++nErrors;
                t.seq = seq++;
                writes.push_back(t);
                ++nWrites;
            }
            if (writes.size() + resps.size() > maxWrites) maxWrites = writes.size() + resps.size();
            if (bShowing && bit(bready)) {
                resps.erase(resps.begin() + bCur);
                bCur = -1;
                bShowing = false;
            }
        }
    }

    void resetCheck(uint64_t cycle, const char* when, std::string& error) {
        for (Port* v : {arvalid, awvalid, wvalid}) {
            if (v && bit(v) && error.empty()) {
                error = violation(cycle, v == arvalid ? "AR" : (v == awvalid ? "AW" : "W"),
                                  std::string(v->name) + " high " + when);
            }
        }
    }
};

std::vector<std::unique_ptr<AxiMem>> gMems;
bool gAfterReset = false;  // the first cycle after a reset sequence is checked too

bool readConfig(Reader& r, AxiMem& m) {
    m.latMin = r.u32();
    m.latMax = r.u32();
    for (int& p : m.pm) p = r.u16();
    m.reorder = r.u8() != 0;
    if (m.latMin < 1) m.latMin = 1;
    if (m.latMax < m.latMin) m.latMax = m.latMin;
    for (int& p : m.pm) {
        if (p < 1) p = 1;
        if (p > 1000) p = 1000;
    }
    return r.ok;
}

// AXI4-Lite master: one transaction at a time, every other driver and memory model running.
struct LitePorts {
    Port *awaddr, *awvalid, *awready, *wdata, *wstrb, *wvalid, *wready, *bresp, *bvalid, *bready;
    Port *araddr, *arvalid, *arready, *rdata, *rresp, *rvalid, *rready;
};

// The AXI4-Lite transaction in progress: driven before and sampled after the clock-low evaluation
// of each cycle, like every other driver.
struct LiteTxn {
    LitePorts l{};
    bool write = false;
    uint32_t addr = 0, data = 0, strb = 0;
    bool addrDone = false, dataDone = false, respDone = false;
    uint32_t rdata = 0, resp = 0;

    void drive() {
        const uint32_t a[2] = {addr, 0};
        if (write) {
            wr(l.awaddr, a);
            setBit(l.awvalid, !addrDone);
            const uint32_t d[2] = {data, 0};
            wr(l.wdata, d);
            const uint32_t s[2] = {strb, 0};
            wr(l.wstrb, s);
            setBit(l.wvalid, !dataDone);
            setBit(l.bready, addrDone && dataDone);
        } else {
            wr(l.araddr, a);
            setBit(l.arvalid, !addrDone);
            setBit(l.rready, addrDone);
        }
    }
    void sample() {
        if (write) {
            const bool awr = !addrDone && bit(l.awready);
            const bool wrd = !dataDone && bit(l.wready);
            if (addrDone && dataDone && bit(l.bvalid)) {
                resp = static_cast<uint32_t>(rd64(l.bresp));
                respDone = true;
            }
            if (awr) addrDone = true;
            if (wrd) dataDone = true;
        } else {
            if (addrDone && bit(l.rvalid)) {
                rdata = static_cast<uint32_t>(rd64(l.rdata));
                resp = static_cast<uint32_t>(rd64(l.rresp));
                respDone = true;
            }
            if (!addrDone && bit(l.arready)) addrDone = true;
        }
    }
};
LiteTxn* gLite = nullptr;

bool litePorts(const std::string& p, LitePorts& l, std::string& err) {
    auto need = [&](const char* s) {
        Port* x = find(p + s);
        if (!x && err.empty()) err = "AXI4-Lite master: the DUT has no port " + p + s;
        return x;
    };
    l = LitePorts{need("_awaddr"), need("_awvalid"), need("_awready"), need("_wdata"), need("_wstrb"),
                  need("_wvalid"), need("_wready"), need("_bresp"), need("_bvalid"), need("_bready"),
                  need("_araddr"), need("_arvalid"), need("_arready"), need("_rdata"), need("_rresp"),
                  need("_rvalid"), need("_rready")};
    return err.empty();
}

}  // namespace

void axiConstruct(std::vector<Port>* ports, Port* rstn, uint64_t seed) {
    gPorts = ports;
    gRstn = rstn;
    gSeed = seed;
    gMems.clear();
}

void axiDrive(uint64_t cycle) {
    for (auto& m : gMems) m->drive(cycle);
    if (gLite) gLite->drive();
}

void axiSample(uint64_t cycle, std::string& error) {
    if (gLite) gLite->sample();
    if (gMems.empty()) return;
    if (gAfterReset) {
        for (auto& m : gMems) m->resetCheck(cycle, "in the first cycle after reset", error);
        gAfterReset = false;
    }
    for (auto& m : gMems) {
        if (!error.empty()) return;
        m->sample(cycle, error);
    }
}

void axiResetStart() {
    for (auto& m : gMems) m->resetState();
}

void axiResetCycle(uint64_t cycle, uint32_t index, std::string& error) {
    if (index >= 1) {
        for (auto& m : gMems) m->resetCheck(cycle, "during reset (after the first reset edge)", error);
    }
    gAfterReset = true;
}

bool axiHandle(uint8_t op, const uint8_t* payload, size_t n, std::vector<uint8_t>& out, std::string& err,
               bool (*clock)()) {
    Reader r{payload, payload + n};
    switch (op) {
    case OP_AXI_ATTACH: {
        const uint8_t id = r.u8();
        const std::string prefix = r.str();
        const uint64_t seed = r.u64();
        if (id != gMems.size()) {
            err = "protocol: AXI memory ids must be dense";
            return false;
        }
        auto m = std::make_unique<AxiMem>();
        m->prefix = prefix;
        m->rng = Rng(seed * 0x100000001B3ULL + 0xA11 + id);
        if (!readConfig(r, *m)) {
            err = "protocol: bad AXI_ATTACH";
            return false;
        }
        if (!m->attach(err)) return false;
        gMems.push_back(std::move(m));
        return true;
    }
    case OP_AXI_CONFIG: {
        const uint8_t id = r.u8();
        if (id >= gMems.size() || !readConfig(r, *gMems[id])) {
            err = "protocol: bad AXI_CONFIG";
            return false;
        }
        return true;
    }
    case OP_AXI_MEM_WRITE: {
        const uint8_t id = r.u8();
        const uint64_t addr = r.u64();
        const uint32_t len = r.u32();
        if (id >= gMems.size() || !r.need(len)) {
            err = "protocol: bad AXI_MEM_WRITE";
            return false;
        }
        for (uint32_t i = 0; i < len; ++i) gMems[id]->mem.set(addr + i, r.p[i]);
        return true;
    }
    case OP_AXI_MEM_READ: {
        const uint8_t id = r.u8();
        const uint64_t addr = r.u64();
        const uint32_t len = r.u32();
        if (id >= gMems.size() || !r.ok) {
            err = "protocol: bad AXI_MEM_READ";
            return false;
        }
        put32(out, len);
        for (uint32_t i = 0; i < len; ++i) out.push_back(gMems[id]->mem.get(addr + i));
        return true;
    }
    case OP_AXI_ERROR: {
        const uint8_t id = r.u8();
        const uint64_t addr = r.u64();
        const uint64_t len = r.u64();
        const uint8_t resp = r.u8();
        const uint8_t which = r.u8();
        if (id >= gMems.size() || !r.ok || (resp != 0 && resp != 2 && resp != 3)) {
            err = "protocol: bad AXI_ERROR";
            return false;
        }
        if (resp == 0) gMems[id]->errors.clear();
        else gMems[id]->errors.push_back(ErrorRange{addr, addr + len, resp, (which & 1) != 0, (which & 2) != 0});
        return true;
    }
    case OP_AXI_STATS: {
        const uint8_t id = r.u8();
        if (id >= gMems.size() || !r.ok) {
            err = "protocol: bad AXI_STATS";
            return false;
        }
        const AxiMem& m = *gMems[id];
        for (uint64_t v : {m.nReads, m.nWrites, m.nReadBeats, m.nWriteBeats, m.maxReads, m.maxWrites, m.nReordered,
                           m.nErrors, m.firstBeatCycle, m.lastBeatCycle})
            put64(out, v);
        return true;
    }
    case OP_AXIL_WRITE:
    case OP_AXIL_READ: {
        const std::string prefix = r.str();
        LitePorts l{};
        if (!r.ok || !litePorts(prefix, l, err)) {
            if (err.empty()) err = "protocol: bad AXIL request";
            return false;
        }
        const uint32_t addr = r.u32();
        const bool write = op == OP_AXIL_WRITE;
        const uint32_t data = write ? r.u32() : 0;
        const uint8_t strb = write ? r.u8() : 0;
        const uint32_t maxCycles = r.u32();
        if (!r.ok) {
            err = "protocol: bad AXIL request";
            return false;
        }
        LiteTxn t;
        t.l = l;
        t.write = write;
        t.addr = addr;
        t.data = data;
        t.strb = strb;
        t.dataDone = !write;
        gLite = &t;
        for (uint32_t c = 0; c < maxCycles && !t.respDone; ++c) {
            if (!clock()) {  // the harness reports the error
                gLite = nullptr;
                return false;
            }
        }
        gLite = nullptr;
        if (write) {
            setBit(l.awvalid, false);
            setBit(l.wvalid, false);
            setBit(l.bready, false);
        } else {
            setBit(l.arvalid, false);
            setBit(l.rready, false);
        }
        const bool respDone = t.respDone;
        const uint32_t rdataV = t.rdata, respV = t.resp;
        if (!respDone) {
            err = std::string("AXI4-Lite ") + (write ? "write to " : "read of ") + prefix + " address " +
                  std::to_string(addr) + " got no response in " + std::to_string(maxCycles) + " cycles";
            return false;
        }
        if (!write) put32(out, rdataV);
        put8(out, static_cast<uint8_t>(respV));
        return true;
    }
    default:
        err = "protocol: unknown op " + std::to_string(op);
        return false;
    }
}

}  // namespace vitgen
