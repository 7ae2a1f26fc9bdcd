package io.vitgen.emit;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vitgen.compile.CompileException;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.Program;
import io.vitgen.config.Config;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelException;
import io.vitgen.model.ModelFile;

/**
 * A user's model file and one picture, made ready for the simulation kit ({@code vitgen generate
 * --model FILE [--image PICTURE]}): the model read and checked against the configuration
 * ({@link ModelFile#read}), the picture through DeiT's evaluation transform to int8 (as {@code
 * vitgen golden model} does), the whole model on that picture compiled into one stream
 * ({@link LayerCompiler#compileModel}: patch embedding to int32 logits) and checked against the top
 * sized for it ({@link AcceleratorTop#forProgram}, {@link AcceleratorTop#requireRunnable}).
 * Everything that can go wrong with the user's input goes wrong here, before a file is written,
 * as a {@link ModelException} naming the tensor or limit.
 *
 * @param fileName    the model file's name (no folder), as the kit, report and manifest record it
 * @param sha256      SHA-256 of the model file's bytes
 * @param model       the integer model
 * @param picture     what the picture is, in words (file name, or the synthetic picture's seed and size)
 * @param pictureSha256 SHA-256 of the picture file, or null for the synthetic picture
 * @param image       the int8 picture, 3 x S x S
 * @param program     the compiled whole-model stream
 */
public record ModelKit(String fileName, String sha256, VitModel model, String picture, String pictureSha256,
        long[][][] image, Program program) {

    /** Seed of the synthetic picture used without --image (the same picture as {@code vitgen model picture --seed 1}). */
    public static final long PICTURE_SEED = 1;

    /** Size of the synthetic picture (before the evaluation transform), as {@code vitgen model picture}'s default. */
    public static final int PICTURE_SIZE = 256;

    /**
     * Reads {@code modelFile} and {@code pictureFile} (null: the seeded synthetic picture) for a
     * top of configuration {@code c}; throws {@link ModelException} with every problem.
     */
    public static ModelKit of(Config c, Path modelFile, Path pictureFile) throws ModelException {
        byte[] bytes = readFile(modelFile, "model file");
        String sha = Manifest.sha256(bytes);
        VitModel m = ModelFile.read(modelFile, c).model();
        VitGeometry g = m.geometry();
        BufferedImage img;
        String picture;
        String pictureSha = null;
        if (pictureFile == null) {
            img = EvalImages.synthetic(PICTURE_SEED, PICTURE_SIZE, PICTURE_SIZE);
            picture = "the seeded synthetic picture (seed " + PICTURE_SEED + ", " + PICTURE_SIZE + " x " + PICTURE_SIZE
                    + ", as vitgen model picture --seed " + PICTURE_SEED + " draws it)";
        } else {
            pictureSha = Manifest.sha256(readFile(pictureFile, "picture"));
            img = EvalImages.read(pictureFile);
            picture = String.valueOf(pictureFile.getFileName());
        }
        long[][][] px = EvalImages.quantize(EvalImages.transform(img, g.image()), m.scales().image());
        Program p;
        try {
            int batch = io.vitgen.compile.BufferPlan.batch(c);
            // compile.batch: the picture once per image of the batch, in one interleaved stream
            p = batch == 1 ? LayerCompiler.compileModel(m, px, c)
                    : LayerCompiler.compileModelBatch(io.vitgen.compile.IntVitModel.of(m), java.util.Collections.nCopies(batch, px), c);
        } catch (CompileException e) {
            List<String> problems = new ArrayList<>();
            for (String why : e.problems()) {
                problems.add(modelFile.getFileName() + ": " + why);
            }
            throw new ModelException(problems);
        }
        try {
            AcceleratorTop.forProgram(c, p).requireRunnable(p.commands(), p.labels());
        } catch (IllegalArgumentException e) {
            throw new ModelException(modelFile.getFileName() + ": the generated top cannot run this model's program: "
                    + e.getMessage().strip().replaceAll("\\s*\\n\\s*", " "));
        }
        return new ModelKit(String.valueOf(modelFile.getFileName()), sha, m, picture, pictureSha, px, p);
    }

    /** One line: the model file, its hash and its shape. */
    public String describe() {
        return fileName + " (sha256 " + sha256 + "; " + ModelFile.summary(model) + ")";
    }

    private static byte[] readFile(Path file, String what) throws ModelException {
        if (Files.isDirectory(file)) {
            throw new ModelException(file + ": is a folder, not a " + what);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": no such " + what);
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read the " + what + ": " + DesignWriter.reason(e));
        }
    }
}
