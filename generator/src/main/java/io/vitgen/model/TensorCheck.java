package io.vitgen.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Looks tensors up in an open safetensors file and collects every problem - missing names, wrong
 * shapes (expected vs found), wrong dtypes, NaN/Inf values, bad scales - so a command reports them
 * all at once. Missing tensors are gathered into one message that names each of them.
 */
final class TensorCheck {

    private final Safetensors file;
    private final List<String> missing = new ArrayList<>();
    private final java.util.Set<String> asked = new java.util.HashSet<>();
    private final List<String> problems = new ArrayList<>();

    TensorCheck(Safetensors file) {
        this.file = file;
    }

    Safetensors file() {
        return file;
    }

    /** Every name looked up so far. */
    java.util.Set<String> asked() {
        return asked;
    }

    void problem(String p) {
        problems.add(p);
    }

    boolean ok() {
        return missing.isEmpty() && problems.isEmpty();
    }

    /** Every problem so far (missing tensors first, in one entry). */
    List<String> problems() {
        List<String> all = new ArrayList<>();
        if (!missing.isEmpty()) {
            all.add(missing.size() + (missing.size() == 1 ? " tensor is" : " tensors are") + " missing: "
                    + String.join(", ", missing));
        }
        all.addAll(problems);
        return all;
    }

    void throwIfAny() throws ModelException {
        if (!ok()) {
            throw new ModelException(problems());
        }
    }

    /**
     * The tensor of that name with that shape, or null (and a problem recorded). A dimension of -1
     * matches anything.
     */
    Safetensors.Tensor expect(String name, long... shape) {
        asked.add(name);
        Safetensors.Tensor t = file.tensor(name);
        if (t == null) {
            missing.add(name);
            return null;
        }
        if (!matches(t.shape(), shape)) {
            problems.add("tensor '" + name + "' has shape " + t.shapeText() + ", expected "
                    + Safetensors.Tensor.shapeText(shape).replace("-1", "*"));
            return null;
        }
        return t;
    }

    /** A float tensor (F16/BF16/F32/F64) with finite values, as floats; null with a problem otherwise. */
    float[] floats(String name, long... shape) {
        Safetensors.Tensor t = expect(name, shape);
        if (t == null || !isFloat(t)) {
            return null;
        }
        try {
            float[] v = file.floats(t);
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    problems.add("tensor '" + name + "' holds " + v[i] + " at index " + indexText(t.shape(), i));
                    return null;
                }
            }
            return v;
        } catch (ModelException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** A float tensor as doubles (exact), finite values only. */
    double[] doubles(String name, long... shape) {
        Safetensors.Tensor t = expect(name, shape);
        if (t == null || !isFloat(t)) {
            return null;
        }
        try {
            double[] v = file.doubles(t);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    problems.add("tensor '" + name + "' holds " + v[i] + " at index " + indexText(t.shape(), i));
                    return null;
                }
            }
            return v;
        } catch (ModelException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** Scales: finite and strictly positive. */
    double[] scales(String name, long... shape) {
        double[] v = doubles(name, shape);
        if (v == null) {
            return null;
        }
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0)) {
                problems.add("tensor '" + name + "' holds scale " + v[i] + " at index " + i
                        + "; scales must be finite and positive");
                return null;
            }
        }
        return v;
    }

    /** An integer tensor of exactly this dtype, values within [lo, hi]. */
    long[] integers(String name, Safetensors.DType dtype, long lo, long hi, long... shape) {
        Safetensors.Tensor t = expect(name, shape);
        if (t == null) {
            return null;
        }
        if (t.dtype() != dtype) {
            problems.add("tensor '" + name + "' has dtype " + t.dtype() + ", expected " + dtype);
            return null;
        }
        try {
            long[] v = file.integers(t);
            for (int i = 0; i < v.length; i++) {
                if (v[i] < lo || v[i] > hi) {
                    problems.add("tensor '" + name + "' holds " + v[i] + " at index " + indexText(t.shape(), i)
                            + ", outside [" + lo + ", " + hi + "]");
                    return null;
                }
            }
            return v;
        } catch (ModelException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private boolean isFloat(Safetensors.Tensor t) {
        if (!t.dtype().isFloat()) {
            problems.add("tensor '" + t.name() + "' has dtype " + t.dtype() + ", expected a float (F32, F16, BF16 or F64)");
            return false;
        }
        return true;
    }

    static boolean matches(long[] found, long[] expected) {
        if (found.length != expected.length) {
            return false;
        }
        for (int i = 0; i < found.length; i++) {
            if (expected[i] != -1 && expected[i] != found[i]) {
                return false;
            }
        }
        return true;
    }

    static String indexText(long[] shape, long flat) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return Arrays.toString(idx);
    }

    /** A row-major [out, in] matrix as in x out (the K x N layout of the GEMMs). */
    static float[][] transposeToKxN(float[] v, int out, int in) {
        float[][] w = new float[in][out];
        final int tile = 64; // blocked, so both sides stay in cache for large layers
        for (int o0 = 0; o0 < out; o0 += tile) {
            for (int i0 = 0; i0 < in; i0 += tile) {
                int oEnd = Math.min(out, o0 + tile);
                int iEnd = Math.min(in, i0 + tile);
                for (int o = o0; o < oEnd; o++) {
                    int base = o * in;
                    for (int i = i0; i < iEnd; i++) {
                        w[i][o] = v[base + i];
                    }
                }
            }
        }
        return w;
    }

    /** The same for integers. */
    static long[][] transposeToKxN(long[] v, int out, int in) {
        long[][] w = new long[in][out];
        for (int o = 0; o < out; o++) {
            int base = o * in;
            for (int i = 0; i < in; i++) {
                w[i][o] = v[base + i];
            }
        }
        return w;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
