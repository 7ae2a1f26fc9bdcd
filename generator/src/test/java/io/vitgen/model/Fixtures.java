package io.vitgen.model;

import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;

/** Small models the tests share: 32 px images, 8 x 8 patches (17 tokens), C = 32, 2 heads, MLP 64. */
final class Fixtures {
    private Fixtures() {
    }

    static final VitGeometry SMALL = new VitGeometry(32, 8, 32, 2, 64, 2, 10);

    static Config config(VitGeometry g, String... sets) {
        ConfigLoader l = new ConfigLoader().setAll(Map.of("model.preset", "custom", "model.tokens",
                Integer.toString(g.tokens()), "model.channels", Integer.toString(g.channels()), "model.heads",
                Integer.toString(g.heads()), "model.mlp", Integer.toString(g.mlp())));
        for (String s : sets) {
            l.set(s);
        }
        try {
            return l.load();
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The embedded defaults (DeiT-Tiny). */
    static Config defaults(String... sets) {
        ConfigLoader l = new ConfigLoader();
        for (String s : sets) {
            l.set(s);
        }
        try {
            return l.load();
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static FloatVit.Weights weights(long seed) {
        return RandomModel.weights(SMALL, seed);
    }

    static Quantizer.Result quantized(long seed, int images) throws ModelException {
        List<double[][][]> imgs = RandomModel.images(SMALL, seed, images);
        return Quantizer.quantize(weights(seed), imgs, Quantizer.Options.defaults(), null);
    }

    static VitModel model(long seed) throws ModelException {
        return quantized(seed, 3).model();
    }

    static EncoderLayer.SoftmaxMode shiftmax() {
        return EncoderLayer.SoftmaxMode.SHIFTMAX;
    }
}
