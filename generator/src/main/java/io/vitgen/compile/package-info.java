/**
 * The accelerator's command set and compiler: {@link io.vitgen.compile.Command} (the commands,
 * docs/commands.md), {@link io.vitgen.compile.CommandCodec} (64-bit words),
 * {@link io.vitgen.compile.StreamChecker} (deadlock freedom, tokens, buffer hazards),
 * {@link io.vitgen.compile.LayerCompiler} (an integer encoder layer + configuration -> command
 * stream + memory image + buffer plan) and {@link io.vitgen.compile.Interpreter} (the stream on the
 * golden operators).
 */
package io.vitgen.compile;
