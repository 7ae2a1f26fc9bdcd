package io.vitgen.hw;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.hw.gelu.GeluUnit;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.hw.softmax.SoftmaxUnit;

/**
 * The blocks one configuration generates, in the order the report lists them. Each block's
 * builder checks the configuration values it uses and derives its parameters; this class only
 * decides which blocks a configuration needs.
 */
public final class Accelerator {

    private Accelerator() {
    }

    /** The top-level blocks of the design (their cells come along as children). */
    public static List<ModuleSpec> blocks(Config config) {
        List<ModuleSpec> blocks = new ArrayList<>();
        blocks.add(MacArray.gemm(config));
        blocks.addAll(SoftmaxUnit.blocks(config));
        blocks.add(LayerNormUnit.spec(config.layerNorm()));
        blocks.add(GeluUnit.of(config.gelu()));
        return blocks;
    }
}
