# Writes the port table of the verilated top for the simulation kit (vitgen_port_table, declared
# in vitgen_harness.h): one entry per port declared in obj_dir/Vdut.h, with the Verilog name the
# memory model looks ports up by and the C++ member Verilator stores it in (Verilator renames a
# few names, for example interrupt -> __SYM__interrupt). Usage: awk -f vitgen_ports.awk Vdut.h
BEGIN {
    print "// Generated from Vdut.h by vitgen_ports.awk: the port table of the verilated top."
    print "#include \"Vdut.h\""
    print "#include \"vitgen_harness.h\""
    print ""
    print "void vitgen_port_table(Vdut* m, std::vector<vitgen::Port>& ports) {"
}
match($0, /VL_(IN|OUT|INOUT)(8|16|64|W)?\(&[A-Za-z0-9_]+,[0-9]+,[0-9]+/) {
    s = substr($0, RSTART, RLENGTH)
    kind = s
    sub(/^VL_/, "", kind)
    sub(/\(.*/, "", kind)
    wide = kind ~ /W$/
    dir = kind
    sub(/(8|16|64|W)$/, "", dir)
    split(substr(s, index(s, "&") + 1), f, ",")
    cname = f[1]
    vname = cname
    sub(/^__SYM__/, "", vname)
    w = f[2] - f[3] + 1
    d = dir == "IN" ? "vitgen::DIR_IN" : dir == "OUT" ? "vitgen::DIR_OUT" : "vitgen::DIR_INOUT"
    if (wide) {
        printf "    ports.push_back(vitgen::widePort(\"%s\", %s, %d, m->%s.data()));\n", vname, d, w, cname
    } else {
        printf "    ports.push_back(vitgen::port(\"%s\", %s, %d, &m->%s));\n", vname, d, w, cname
    }
}
END {
    print "}"
}
