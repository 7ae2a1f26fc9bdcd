// vitgen co-simulation harness: AXI4 slave memory models and an AXI4-Lite master driver.
//
// The models run inside the harness, cycle by cycle, so Java never handshakes AXI beats: it loads
// and dumps memory regions, sets latency/backpressure/error injection, and reads statistics
// (docs/axi.md, "Harness"). The harness main (vitgen_harness.cpp) calls these hooks; everything
// else about AXI lives in vitgen_axi_mem.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vitgen_harness.h"

namespace vitgen {

// Protocol ops served by this file (the harness forwards every op in [32, 63] here).
enum AxiOp : uint8_t {
    OP_AXI_ATTACH = 32,     // u8 id | u16 n, prefix | u64 seed | config
    OP_AXI_CONFIG = 33,     // u8 id | config
    OP_AXI_MEM_WRITE = 34,  // u8 id | u64 addr | u32 n | n bytes
    OP_AXI_MEM_READ = 35,   // u8 id | u64 addr | u32 n            -> n bytes
    OP_AXI_ERROR = 36,      // u8 id | u64 addr | u64 bytes | u8 resp (0 = clear all) | u8 reads|writes<<1
    OP_AXI_STATS = 37,      // u8 id                               -> u64 x 10
    OP_AXIL_WRITE = 40,     // u16 n, prefix | u32 addr | u32 data | u8 strb | u32 max cycles -> u8 resp | u64 cycle
    OP_AXIL_READ = 41,      // u16 n, prefix | u32 addr | u32 max cycles -> u32 data | u8 resp | u64 cycle
};
// config = u32 latency min | u32 latency max | u16 permille AR, R, W ready/valid rates (ARREADY,
//          RVALID, AWREADY, WREADY, BVALID) | u8 reorder across IDs

// Called once the model and its port table exist.
void axiConstruct(std::vector<Port>* ports, Port* rstn, uint64_t seed);
// Before the clock-low evaluation: drive the slave outputs of this cycle.
void axiDrive(uint64_t cycle);
// After the clock-low evaluation: handshakes, protocol checks; a violation sets `error`.
void axiSample(uint64_t cycle, std::string& error);
// At the start of a reset sequence (drops in-flight transactions, memory kept) and in each of its
// cycles after the clock-low evaluation (index 0 = first reset cycle).
void axiResetStart();
void axiResetCycle(uint64_t cycle, uint32_t index, std::string& error);
// Ops in [32, 63]. `clock` runs one clock cycle and returns false when the run must stop.
bool axiHandle(uint8_t op, const uint8_t* payload, size_t n, std::vector<uint8_t>& out, std::string& err,
               bool (*clock)());

}  // namespace vitgen
