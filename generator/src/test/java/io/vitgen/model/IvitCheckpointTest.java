package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.Safetensors.DType;

/**
 * An I-ViT-style integer checkpoint (int8 weight_integer, int32 bias_integer, float32 scaling
 * factors under I-ViT's QuantAct names) read into the golden model: the same integers as a model
 * built directly from those float32 scales, and m/k equal to DyadicScale.fromRatio of them.
 */
public class IvitCheckpointTest {

    @TempDir
    Path dir;

    /** Every float of the model rounded to float32 (what an I-ViT state dict holds). */
    public static VitModel float32(VitModel m) {
        VitModel.Params p = m.params();
        VitModel.Scales s = m.scales();
        List<EncoderLayer.Params> lp = new ArrayList<>();
        List<EncoderLayer.Scales> ls = new ArrayList<>();
        for (int i = 0; i < p.layers().size(); i++) {
            EncoderLayer.Params a = p.layers().get(i);
            lp.add(new EncoderLayer.Params(n(a.ln1()), l(a.qkv()), l(a.proj()), n(a.ln2()), l(a.fc1()), l(a.fc2())));
            EncoderLayer.Scales x = s.layers().get(i);
            ls.add(new EncoderLayer.Scales(f(x.in()), f(x.ln1()), f(x.qkv()), f(x.attn()), f(x.ctx()), f(x.res1()),
                    f(x.ln2()), f(x.fc1()), f(x.fc2in()), f(x.out())));
        }
        double[][] pos = new double[p.embed().pos().length][];
        for (int t = 0; t < pos.length; t++) {
            pos[t] = f(p.embed().pos()[t]);
        }
        VitModel.Params fp = new VitModel.Params(new VitModel.Embed(p.embed().w(), f(p.embed().wScale()),
                f(p.embed().bias()), f(p.embed().cls()), pos), lp, n(p.norm()),
                new VitModel.Head(p.head().w(), f(p.head().wScale()), f(p.head().bias())));
        return new VitModel(m.geometry(), fp, new VitModel.Scales(f(s.image()), ls, f(s.norm())), m.mode());
    }

    static double f(double v) {
        return (float) v;
    }

    static double[] f(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = (float) v[i];
        }
        return o;
    }

    static EncoderLayer.Norm n(EncoderLayer.Norm x) {
        return new EncoderLayer.Norm(f(x.gamma()), f(x.beta()));
    }

    static EncoderLayer.Linear l(EncoderLayer.Linear x) {
        return new EncoderLayer.Linear(x.w(), f(x.wScale()), f(x.bias()));
    }

    /** Writes the float32 model under I-ViT's names. */
    public static void writeIvit(VitModel m, Path p, boolean perChannelHead) throws Exception {
        VitGeometry g = m.geometry();
        int c = g.channels();
        SafetensorsWriter w = new SafetensorsWriter();
        VitModel.Params pr = m.params();
        VitModel.Constants k = m.constants();
        scalar(w, "qact_input.act_scaling_factor", m.scales().image());
        w.integers("patch_embed.proj.weight_integer", DType.I8, new long[] {c, 3, g.patch(), g.patch()},
                flatT(pr.embed().w()));
        w.integers("patch_embed.proj.bias_integer", DType.I32, new long[] {c}, k.embedBias());
        w.floats("patch_embed.proj.conv_scaling_factor", DType.F32, new long[] {c}, fl(pr.embed().wScale()));
        w.floats("cls_token", DType.F32, new long[] {1, 1, c}, fl(pr.embed().cls()));
        double[] pos = new double[g.tokens() * c];
        for (int t = 0; t < g.tokens(); t++) {
            System.arraycopy(pr.embed().pos()[t], 0, pos, t * c, c);
        }
        w.floats("pos_embed", DType.F32, new long[] {1, g.tokens(), c}, fl(pos));
        scalar(w, "qact1.act_scaling_factor", m.scales().layers().get(0).in());
        for (int i = 0; i < g.depth(); i++) {
            String b = "blocks." + i + ".";
            EncoderLayer.Params lp = pr.layers().get(i);
            EncoderLayer.Scales s = m.scales().layers().get(i);
            EncoderLayer.Constants lc = m.layers().get(i).constants();
            norm(w, b + "norm1", lp.ln1());
            scalar(w, b + "qact1.act_scaling_factor", s.ln1());
            linear(w, b + "attn.qkv", lp.qkv(), lc.qkvBias());
            scalar(w, b + "attn.qact1.act_scaling_factor", s.qkv());
            scalar(w, b + "attn.qact_attn1.act_scaling_factor", s.attn());
            scalar(w, b + "attn.qact2.act_scaling_factor", s.ctx());
            linear(w, b + "attn.proj", lp.proj(), lc.projBias());
            scalar(w, b + "qact2.act_scaling_factor", s.res1());
            norm(w, b + "norm2", lp.ln2());
            scalar(w, b + "qact3.act_scaling_factor", s.ln2());
            linear(w, b + "mlp.fc1", lp.fc1(), lc.fc1Bias());
            scalar(w, b + "mlp.qact_gelu.act_scaling_factor", s.fc1());
            scalar(w, b + "mlp.qact1.act_scaling_factor", s.fc2in());
            linear(w, b + "mlp.fc2", lp.fc2(), lc.fc2Bias());
            scalar(w, b + "qact4.act_scaling_factor", s.out());
        }
        norm(w, "norm", pr.norm());
        scalar(w, "qact2.act_scaling_factor", m.scales().norm());
        w.integers("head.weight_integer", DType.I8, new long[] {g.classes(), c}, flatT(pr.head().w()));
        w.integers("head.bias_integer", DType.I32, new long[] {g.classes()}, k.headBias());
        double[] hs = new double[g.classes()];
        java.util.Arrays.fill(hs, pr.head().wScale());
        if (perChannelHead) {
            hs[1] *= 2; // I-ViT's per-class head scales
        }
        w.floats("head.fc_scaling_factor", DType.F32, new long[] {g.classes()}, fl(hs));
        w.write(p);
    }

    static void scalar(SafetensorsWriter w, String name, double v) {
        w.floats(name, DType.F32, new long[] {1}, new float[] {(float) v});
    }

    static void norm(SafetensorsWriter w, String prefix, EncoderLayer.Norm n) {
        w.floats(prefix + ".weight", DType.F32, new long[] {n.gamma().length}, fl(n.gamma()));
        w.floats(prefix + ".bias", DType.F32, new long[] {n.beta().length}, fl(n.beta()));
    }

    static void linear(SafetensorsWriter w, String prefix, EncoderLayer.Linear l, long[] biasInt) {
        int n = l.wScale().length;
        w.integers(prefix + ".weight_integer", DType.I8, new long[] {n, l.w().length}, flatT(l.w()));
        w.integers(prefix + ".bias_integer", DType.I32, new long[] {n}, biasInt);
        w.floats(prefix + ".fc_scaling_factor", DType.F32, new long[] {n}, fl(l.wScale()));
    }

    static float[] fl(double[] d) {
        float[] o = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            o[i] = (float) d[i];
        }
        return o;
    }

    static long[] flatT(long[][] kxn) {
        int k = kxn.length;
        int n = kxn[0].length;
        long[] o = new long[k * n];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < n; j++) {
                o[j * k + r] = kxn[r][j];
            }
        }
        return o;
    }

    @Test
    void integerCheckpointGivesTheSameIntegersAsTheGoldenDerivation() throws Exception {
        VitModel m = float32(Fixtures.model(21));
        Path p = dir.resolve("ivit.safetensors");
        writeIvit(m, p, false);
        VitModel r;
        try (Safetensors st = Safetensors.open(p)) {
            assertTrue(TimmCheckpoint.isIntegerCheckpoint(st));
            IvitCheckpoint.Result res = IvitCheckpoint.read(st, Fixtures.config(Fixtures.SMALL).model(),
                    EncoderLayer.SoftmaxMode.SHIFTMAX);
            assertTrue(res.notes().isEmpty(), res.notes().toString());
            r = res.model();
        }
        List<ModelFile.IntTensor> a = ModelFile.derived(m);
        List<ModelFile.IntTensor> b = ModelFile.derived(r);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).values(), b.get(i).values(), a.get(i).name());
        }
        // m/k straight from the float32 scales: qkv channel 5 of layer 1 and the score requantizer
        EncoderLayer.Scales s1 = m.scales().layers().get(1);
        double sw = (float) m.params().layers().get(1).qkv().wScale()[5];
        assertEquals(DyadicScale.fromRatio(s1.ln1() * sw / s1.qkv()), r.layers().get(1).constants().qkvRequant()[5]);
        int hd = Fixtures.SMALL.channels() / Fixtures.SMALL.heads();
        assertEquals(DyadicScale.fromRatio(s1.qkv() * s1.qkv() / Math.sqrt(hd) / s1.attn()),
                r.layers().get(1).constants().scoreRequant());
        for (double[][][] img : RandomModel.images(Fixtures.SMALL, 4, 2)) {
            long[][][] px = EvalImages.quantize(img, EvalImages.IMAGE_SCALE);
            assertArrayEquals(m.forward(px), r.forward(px));
        }
    }

    @Test
    void perClassHeadScalesAreFoldedIntoOnePerTensorScale() throws Exception {
        VitModel m = float32(Fixtures.model(22));
        Path p = dir.resolve("ivit-head.safetensors");
        writeIvit(m, p, true);
        try (Safetensors st = Safetensors.open(p)) {
            IvitCheckpoint.Result res = IvitCheckpoint.read(st, Fixtures.config(Fixtures.SMALL).model(),
                    EncoderLayer.SoftmaxMode.SHIFTMAX);
            assertEquals(1, res.notes().size());
            assertTrue(res.notes().get(0).contains("re-quantized to one per-tensor scale"), res.notes().get(0));
        }
    }

    @Test
    void missingScalesAndZeroScalesAreNamed() throws Exception {
        VitModel m = float32(Fixtures.model(23));
        Path p = dir.resolve("ivit.safetensors");
        writeIvit(m, p, false);
        Path q = dir.resolve("broken.safetensors");
        Rewrite.of(p).remove("blocks.1.mlp.qact_gelu.act_scaling_factor").remove("qact2.act_scaling_factor")
                .setFloat("blocks.0.attn.qkv.fc_scaling_factor", 3, 0.0).write(q);
        ModelException e = assertThrows(ModelException.class, () -> {
            try (Safetensors st = Safetensors.open(q)) {
                IvitCheckpoint.read(st, Fixtures.config(Fixtures.SMALL).model(), EncoderLayer.SoftmaxMode.SHIFTMAX);
            }
        });
        String msg = String.join("\n", e.problems());
        assertTrue(msg.contains("2 tensors are missing: blocks.1.mlp.qact_gelu.act_scaling_factor, qact2.act_scaling_factor"),
                msg);
        assertTrue(msg.contains("tensor 'blocks.0.attn.qkv.fc_scaling_factor' holds scale 0.0 at index 3"), msg);
    }
}
