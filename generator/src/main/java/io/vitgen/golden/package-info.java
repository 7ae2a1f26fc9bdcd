/**
 * Bit-exact integer golden model of the ViT operators of {@code docs/arithmetic.md}.
 *
 * <p>Every generated RTL block is compared bit for bit with the static methods of this package; it
 * is the single reference. All arithmetic is on {@code long} (mathematical integers within the
 * stated bounds; where a bound could be exceeded the code either widens to {@link
 * java.math.BigInteger} or throws {@link ArithmeticException}, never wraps silently). Offline
 * constants (X, dyadic m/k, LayerNorm biases, polynomial constants) are derived from float scales
 * in one place each ({@code fromRatio}, {@code xFromScale}, {@code biasFrom}, {@code Constants.of})
 * and reject values outside the valid ranges with an {@link IllegalArgumentException}.
 */
package io.vitgen.golden;
