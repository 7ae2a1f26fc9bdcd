package io.vitgen.golden;

/**
 * Shape of one ViT encoder layer.
 *
 * @param tokens   N, tokens per image (197 for 224x224 with 16x16 patches and a class token)
 * @param channels C, embedding width
 * @param heads    attention heads (C must be a multiple)
 * @param mlp      hidden width of the MLP
 */
public record ModelShape(int tokens, int channels, int heads, int mlp) {
    /** DeiT-Tiny: N = 197, C = 192, 3 heads of 64, MLP 768. */
    public static final ModelShape DEIT_TINY = new ModelShape(197, 192, 3, 768);
    /** DeiT-Small: C = 384, 6 heads, MLP 1536. */
    public static final ModelShape DEIT_SMALL = new ModelShape(197, 384, 6, 1536);
    /** DeiT-Base: C = 768, 12 heads, MLP 3072. */
    public static final ModelShape DEIT_BASE = new ModelShape(197, 768, 12, 3072);

    public ModelShape {
        if (tokens < 1 || tokens > 4096) {
            throw new IllegalArgumentException("tokens must be in [1, 4096], got " + tokens);
        }
        if (channels < 1 || channels > 8192 || mlp < 1 || mlp > 32768) {
            throw new IllegalArgumentException("channels must be in [1, 8192] and mlp in [1, 32768], got "
                    + channels + ", " + mlp);
        }
        if (heads < 1 || channels % heads != 0) {
            throw new IllegalArgumentException("heads = " + heads + " must be >= 1 and divide channels = " + channels);
        }
    }

    /** Channels per head. */
    public int headDim() {
        return channels / heads;
    }

    /** Parses {@code tiny}, {@code small}, {@code base} or {@code N,C,heads,mlp}. */
    public static ModelShape parse(String s) {
        switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "tiny", "deit-tiny":
                return DEIT_TINY;
            case "small", "deit-small":
                return DEIT_SMALL;
            case "base", "deit-base":
                return DEIT_BASE;
            default:
                String[] p = s.split(",");
                if (p.length != 4) {
                    throw new IllegalArgumentException("model shape '" + s
                            + "' is not tiny, small, base or tokens,channels,heads,mlp");
                }
                try {
                    return new ModelShape(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()),
                            Integer.parseInt(p[2].trim()), Integer.parseInt(p[3].trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("model shape '" + s + "': " + e.getMessage());
                }
        }
    }
}
