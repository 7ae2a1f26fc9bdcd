package io.vitgen.config;

/** The shape of one encoder layer: tokens N, channels C, heads H (C/H per head), MLP width. */
public record ModelShape(String name, int tokens, int channels, int heads, int mlp) {

    public static final ModelShape DEIT_TINY = new ModelShape("deit-tiny", 197, 192, 3, 768);
    public static final ModelShape DEIT_SMALL = new ModelShape("deit-small", 197, 384, 6, 1536);
    public static final ModelShape DEIT_BASE = new ModelShape("deit-base", 197, 768, 12, 3072);

    public ModelShape {
        if (tokens < 1 || channels < 1 || heads < 1 || mlp < 1) {
            throw new IllegalArgumentException("model sizes must be positive: " + tokens + ", " + channels
                    + ", " + heads + ", " + mlp);
        }
    }

    public static ModelShape preset(String name) {
        switch (name) {
            case "deit-tiny": return DEIT_TINY;
            case "deit-small": return DEIT_SMALL;
            case "deit-base": return DEIT_BASE;
            default: throw new IllegalArgumentException("no preset " + name);
        }
    }

    public int headDim() {
        return channels / heads;
    }

    /** The largest reduction length K of any GEMM in the layer (QKV, q k^T, attention x V, FC1, FC2). */
    public int maxK() {
        return Math.max(Math.max(channels, mlp), Math.max(tokens, headDim()));
    }
}
