// vitgen co-simulation harness: declarations shared by the hand-written harness main
// (vitgen_harness.cpp) and the port table generated for each top (vitgen_ports.cpp).
//
// Every model is verilated with --prefix Vdut, so only the port table depends on the top.
#pragma once

#include <cstdint>
#include <vector>

#include "verilated.h"

class Vdut;

namespace vitgen {

enum Dir : uint8_t { DIR_IN = 0, DIR_OUT = 1, DIR_INOUT = 2 };

// One top-level port of the verilated model. `bytes` is the size of Verilator's storage for it
// (1, 2, 4 or 8 for CData/SData/IData/QData) or 0 for a wide port stored as 32-bit words.
struct Port {
    const char* name;
    Dir dir;
    int width;
    int bytes;
    void* ptr;
};

inline Port port(const char* n, Dir d, int w, CData* p) { return Port{n, d, w, 1, p}; }
inline Port port(const char* n, Dir d, int w, SData* p) { return Port{n, d, w, 2, p}; }
inline Port port(const char* n, Dir d, int w, IData* p) { return Port{n, d, w, 4, p}; }
inline Port port(const char* n, Dir d, int w, QData* p) { return Port{n, d, w, 8, p}; }
// EData is IData, so wide ports need their own name.
inline Port widePort(const char* n, Dir d, int w, EData* p) { return Port{n, d, w, 0, p}; }

}  // namespace vitgen

// Generated per top by io.vitgen.sim.VerilatedModel (vitgen_ports.cpp): the model's ports in the
// order of the ports.tsv file the Java side reads.
void vitgen_port_table(Vdut* model, std::vector<vitgen::Port>& ports);
