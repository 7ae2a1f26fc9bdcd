/**
 * The accelerator's command set and compiler: {@link io.vitgen.compile.Command} (the commands,
 * docs/commands.md), {@link io.vitgen.compile.CommandCodec} (64-bit words),
 * {@link io.vitgen.compile.StreamChecker} (deadlock freedom, tokens, buffer hazards),
 * {@link io.vitgen.compile.LayerCompiler} (integer encoder layers, or a whole model
 * ({@link io.vitgen.compile.IntVitModel}) and one image, + configuration -> command stream + memory
 * image + buffer plan), {@link io.vitgen.compile.Interpreter} (the stream on the golden
 * operators) and {@link io.vitgen.compile.GoldenCheck} (a run against the golden model).
 */
package io.vitgen.compile;
