package io.vitgen.model;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies a safetensors file with edits: tensors removed, replaced or added (tests only). */
final class Rewrite {
    record T(Safetensors.DType dtype, long[] shape, byte[] data) {
    }

    final Map<String, T> tensors = new LinkedHashMap<>();
    final Map<String, String> metadata = new LinkedHashMap<>();

    static Rewrite of(Path p) throws Exception {
        Rewrite r = new Rewrite();
        try (Safetensors st = Safetensors.open(p)) {
            r.metadata.putAll(st.metadata());
            for (Safetensors.Tensor t : st.tensors().values()) {
                ByteBuffer b = st.bytes(t);
                byte[] d = new byte[b.remaining()];
                b.get(d);
                r.tensors.put(t.name(), new T(t.dtype(), t.shape(), d));
            }
        }
        return r;
    }

    Rewrite remove(String name) {
        if (tensors.remove(name) == null) {
            throw new AssertionError("no tensor " + name);
        }
        return this;
    }

    Rewrite put(String name, Safetensors.DType dt, long[] shape, byte[] data) {
        tensors.put(name, new T(dt, shape, data));
        return this;
    }

    Rewrite floats(String name, long[] shape, float... v) {
        return put(name, Safetensors.DType.F32, shape, SafetensorsWriter.encodeFloats(Safetensors.DType.F32, v));
    }

    /** Overwrites one F32/F64 element of a tensor. */
    Rewrite setFloat(String name, int index, double v) {
        T t = tensors.get(name);
        ByteBuffer b = ByteBuffer.wrap(t.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (t.dtype() == Safetensors.DType.F64) {
            b.putDouble(8 * index, v);
        } else {
            b.putFloat(4 * index, (float) v);
        }
        return this;
    }

    /** Overwrites one integer element (I8/I16/I32). */
    Rewrite setInt(String name, int index, long v) {
        T t = tensors.get(name);
        ByteBuffer b = ByteBuffer.wrap(t.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case I8 -> b.put(index, (byte) v);
            case I16 -> b.putShort(2 * index, (short) v);
            case I32 -> b.putInt(4 * index, (int) v);
            default -> throw new AssertionError(t.dtype());
        }
        return this;
    }

    void write(Path p) throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        metadata.forEach(w::metadata);
        tensors.forEach((n, t) -> w.add(n, t.dtype(), t.shape(), t.data()));
        w.write(p);
    }
}
