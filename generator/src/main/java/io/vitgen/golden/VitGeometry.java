package io.vitgen.golden;

/**
 * Shape of a whole DeiT/ViT with a class token (docs/model.md): square RGB images of {@code image}
 * pixels cut into {@code patch} x {@code patch} patches, {@code depth} encoder layers of width
 * {@code channels} with {@code heads} heads and an MLP of {@code mlp}, a head of {@code classes}.
 */
public record VitGeometry(int image, int patch, int channels, int heads, int mlp, int depth, int classes) {

    /** Input channels (RGB). */
    public static final int IN_CHANNELS = 3;

    /** DeiT-Tiny: 224 px, 16 x 16 patches, C = 192, 3 heads, MLP 768, 12 layers, 1000 classes. */
    public static final VitGeometry DEIT_TINY = new VitGeometry(224, 16, 192, 3, 768, 12, 1000);
    /** DeiT-Small: C = 384, 6 heads, MLP 1536. */
    public static final VitGeometry DEIT_SMALL = new VitGeometry(224, 16, 384, 6, 1536, 12, 1000);
    /** DeiT-Base: C = 768, 12 heads, MLP 3072 (86 M parameters). */
    public static final VitGeometry DEIT_BASE = new VitGeometry(224, 16, 768, 12, 3072, 12, 1000);

    public VitGeometry {
        if (patch < 1 || image < patch || image % patch != 0) {
            throw new IllegalArgumentException("image size " + image + " must be a positive multiple of the patch size "
                    + patch);
        }
        if (depth < 1 || depth > 256 || classes < 1 || classes > 1_000_000) {
            throw new IllegalArgumentException("depth " + depth + " must be in [1, 256] and classes " + classes
                    + " in [1, 1000000]");
        }
        // channels, heads and mlp are checked by ModelShape
        new ModelShape((image / patch) * (image / patch) + 1, channels, heads, mlp);
    }

    /** The preset of that name (deit-tiny, deit-small, deit-base), or null. */
    public static VitGeometry preset(String name) {
        return switch (name) {
            case "deit-tiny", "tiny" -> DEIT_TINY;
            case "deit-small", "small" -> DEIT_SMALL;
            case "deit-base", "base" -> DEIT_BASE;
            default -> null;
        };
    }

    /** Patches per side. */
    public int grid() {
        return image / patch;
    }

    /** Tokens: the patches plus the class token. */
    public int tokens() {
        return grid() * grid() + 1;
    }

    /** Reduction length of the patch-embedding GEMM, 3 P^2. */
    public int patchK() {
        return IN_CHANNELS * patch * patch;
    }

    /** The shape of one encoder layer. */
    public ModelShape layerShape() {
        return new ModelShape(tokens(), channels, heads, mlp);
    }

    /** Parameters of the float model (weights and biases, class token and position embedding). */
    public long parameters() {
        long c = channels;
        long block = 2 * 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * mlp + mlp) + ((long) mlp * c + c);
        return (patchK() * c + c) + c + tokens() * c + depth * block + 2 * c + (c * classes + classes);
    }

    @Override
    public String toString() {
        return "image " + image + ", patch " + patch + ", channels " + channels + ", heads " + heads + ", mlp " + mlp
                + ", depth " + depth + ", classes " + classes + " (" + tokens() + " tokens)";
    }
}
