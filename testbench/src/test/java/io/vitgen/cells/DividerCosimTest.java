package io.vitgen.cells;

import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vitgen.golden.Seeds;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Divider;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * The shared divider against floor division of BigIntegers (the definition, not a second
 * implementation): random and corner operands (0, 1, all ones, divisor larger than dividend,
 * divisor equal to dividend, a zero divisor's all-ones quotient), pipelined and iterative, under
 * random stalls on both sides; and with a short quotient (QUOTIENT_W below DIVIDEND_W) on operands
 * that satisfy its guarantee (dividend &gt;&gt; QUOTIENT_W &lt; divisor), random and at the edges
 * of the guarantee, with the latency QUOTIENT_W + 1 measured on an idle divider.
 */
class DividerCosimTest {

    private static Path wrapper() {
        try {
            return Path.of(DividerCosimTest.class.getClassLoader().getResource("dut/tdut_divider_axis.v").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "PIPELINED={0} DIVIDEND_W={1} DIVISOR_W={2}")
    @CsvSource({"1, 31, 31", "0, 31, 31", "1, 64, 17", "0, 64, 64", "1, 2, 1", "0, 3, 5"})
    void quotientAndRemainderAreExact(int pipelined, int dividendW, int divisorW) {
        long seed = Seeds.of("divider " + dividendW + "/" + divisorW + " pipelined=" + pipelined, 0x5eedL + dividendW * 131L + divisorW + pipelined);
        System.out.printf("vitgen_divider PIPELINED=%d %d/%d bits, seed %d%n", pipelined, dividendW, divisorW, seed);
        Random rnd = new Random(seed);
        BigInteger nMax = BigInteger.ONE.shiftLeft(dividendW).subtract(BigInteger.ONE);
        BigInteger dMax = BigInteger.ONE.shiftLeft(divisorW).subtract(BigInteger.ONE);
        List<BigInteger[]> cases = new ArrayList<>();
        BigInteger[] corners = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, nMax.min(dMax), nMax, dMax};
        for (BigInteger a : corners) {
            for (BigInteger b : corners) {
                if (a.compareTo(nMax) <= 0 && b.compareTo(dMax) <= 0) {
                    cases.add(new BigInteger[] {a, b});
                }
            }
        }
        int n = pipelined == 1 ? 20_000 : 3_000;
        while (cases.size() < n) {
            BigInteger a = new BigInteger(1 + rnd.nextInt(dividendW), rnd);
            BigInteger b = new BigInteger(1 + rnd.nextInt(divisorW), rnd);
            cases.add(new BigInteger[] {a, b});
        }
        VerilatedModel model = model(pipelined, dividendW, divisorW, Map.of());
        run(model, seed, rnd, pipelined, dividendW, divisorW, dividendW, cases);
    }

    /**
     * QUOTIENT_W below DIVIDEND_W: the divisor's width below, equal to and above the skipped
     * dividend bits, QUOTIENT_W = 2, the LayerNorm statistics engine's 40/23 -> 25, and an explicit
     * QUOTIENT_W = DIVIDEND_W.
     */
    @ParameterizedTest(name = "PIPELINED={0} DIVIDEND_W={1} DIVISOR_W={2} QUOTIENT_W={3}")
    @CsvSource({"1, 40, 23, 25", "0, 40, 23, 25", "1, 64, 17, 5", "0, 31, 31, 2", "1, 33, 16, 17",
        "0, 20, 8, 20"})
    void shortQuotientIsExactWithinItsGuarantee(int pipelined, int dividendW, int divisorW, int quotientW) {
        long seed = Seeds.of("divider short quotient " + dividendW + "/" + divisorW + " q" + quotientW + " pipelined=" + pipelined, 0x0A5EL + dividendW * 131L + divisorW * 7L + quotientW + pipelined);
        System.out.printf("vitgen_divider PIPELINED=%d %d/%d bits, QUOTIENT_W=%d, seed %d%n", pipelined,
                dividendW, divisorW, quotientW, seed);
        Random rnd = new Random(seed);
        BigInteger nMax = BigInteger.ONE.shiftLeft(dividendW).subtract(BigInteger.ONE);
        BigInteger dMax = BigInteger.ONE.shiftLeft(divisorW).subtract(BigInteger.ONE);
        BigInteger qMax = BigInteger.ONE.shiftLeft(quotientW).subtract(BigInteger.ONE);
        List<BigInteger[]> candidates = new ArrayList<>();
        // edges of the guarantee: largest quotient, largest dividend for a divisor, smallest divisor
        // for the largest dividend, quotient 0 with the largest remainder, 0 and 1
        BigInteger smallestDivisor = nMax.shiftRight(quotientW).add(BigInteger.ONE);
        for (BigInteger b : new BigInteger[] {BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3), dMax,
            dMax.subtract(BigInteger.ONE), smallestDivisor, smallestDivisor.add(BigInteger.ONE)}) {
            BigInteger top = b.shiftLeft(quotientW).subtract(BigInteger.ONE).min(nMax);
            for (BigInteger a : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, b.subtract(BigInteger.ONE), b,
                top, top.subtract(BigInteger.ONE), top.subtract(b), qMax.multiply(b), nMax}) {
                candidates.add(new BigInteger[] {a, b});
            }
        }
        List<BigInteger[]> cases = new ArrayList<>();
        for (BigInteger[] c : candidates) {
            if (guaranteed(c[0], c[1], nMax, dMax, quotientW)) {
                cases.add(c);
            }
        }
        int n = pipelined == 1 ? 20_000 : 3_000;
        while (cases.size() < n) {
            // divisor and quotient of random lengths, a random remainder below the divisor
            BigInteger b = new BigInteger(1 + rnd.nextInt(divisorW), rnd);
            if (b.signum() == 0) {
                continue;
            }
            BigInteger q = new BigInteger(1 + rnd.nextInt(quotientW), rnd);
            BigInteger r = b.bitLength() > 62 ? new BigInteger(divisorW + 8, rnd).mod(b)
                    : BigInteger.valueOf((long) (rnd.nextDouble() * b.longValue())).min(b.subtract(BigInteger.ONE));
            q = q.min(nMax.subtract(r).divide(b));
            BigInteger a = q.multiply(b).add(r);
            if (!guaranteed(a, b, nMax, dMax, quotientW)) {
                throw new IllegalStateException("constructed operands break the guarantee: " + a + " / " + b);
            }
            cases.add(new BigInteger[] {a, b});
        }
        VerilatedModel model = model(pipelined, dividendW, divisorW, Map.of("QUOTIENT_W", "" + quotientW));
        run(model, seed, rnd, pipelined, dividendW, divisorW, quotientW, cases);
    }

    private static boolean guaranteed(BigInteger a, BigInteger b, BigInteger nMax, BigInteger dMax, int quotientW) {
        return a.signum() >= 0 && a.compareTo(nMax) <= 0 && b.signum() > 0 && b.compareTo(dMax) <= 0
                && a.shiftRight(quotientW).compareTo(b) < 0;
    }

    private static VerilatedModel model(int pipelined, int dividendW, int divisorW, Map<String, String> extra) {
        List<Path> rtl = new ArrayList<>(Emitter.writeModules(List.of(Divider.spec()),
                Path.of("target", "cosim-rtl", "vitgen_divider")));
        rtl.add(wrapper());
        Map<String, String> params = new java.util.TreeMap<>(extra);
        params.put("DIVIDEND_W", "" + dividendW);
        params.put("DIVISOR_W", "" + divisorW);
        params.put("TAG_W", "16");
        params.put("PIPELINED", "" + pipelined);
        return VerilatedModel.build(rtl, "tdut_divider_axis", params);
    }

    /**
     * Pushes every case under random stalls and compares {tag, remainder, quotient} with floor
     * division (a zero divisor: the all-ones quotient, remainder masked); then, with the divider
     * idle and both sides always ready, one more division must come out QUOTIENT_W + 1 cycles
     * after it was accepted; then nothing more may come out.
     */
    private static void run(VerilatedModel model, long seed, Random rnd, int pipelined, int dividendW, int divisorW,
            int quotientW, List<BigInteger[]> cases) {
        BigInteger nMax = BigInteger.ONE.shiftLeft(dividendW).subtract(BigInteger.ONE);
        BigInteger dMax = BigInteger.ONE.shiftLeft(divisorW).subtract(BigInteger.ONE);
        List<BigInteger> requests = new ArrayList<>();
        List<BigInteger> expected = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            BigInteger a = cases.get(i)[0];
            BigInteger b = cases.get(i)[1];
            requests.add(request(i, a, b, dividendW, divisorW));
            expected.add(result(i, a, b, nMax, dividendW, divisorW));
        }
        int inRate = 300 + rnd.nextInt(700);
        int outRate = 300 + rnd.nextInt(700);
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource in = sim.source("s_axis", inRate);
            StreamSink out = sim.sink("m_axis", outRate);
            sim.reset(4);
            // the first half at random rates, the second under heavy back-pressure (input always
            // valid, output ready 1 cycle in 8)
            int half = requests.size() / 2;
            for (BigInteger r : requests.subList(0, half)) {
                in.push(r, false);
            }
            sim.runUntilSinksHave(half, (long) half * (dividendW + 4) * 8 + 1000);
            List<Beat> got = new ArrayList<>(out.take());
            in.setValidPermille(1000);
            out.setReadyPermille(125);
            for (BigInteger r : requests.subList(half, requests.size())) {
                in.push(r, false);
            }
            sim.runUntilSinksHave(requests.size() - half, (long) (requests.size() - half) * (dividendW + 4) * 8 + 1000);
            got.addAll(out.take());
            System.out.printf("  %d output stall cycles, %d input wait cycles%n", out.stallCycles(), in.waitCycles());
            BigInteger remainderBits = dMax.shiftLeft(dividendW);
            List<Beat> compared = new ArrayList<>();
            for (int i = 0; i < got.size(); i++) {
                BigInteger d = got.get(i).data();
                compared.add(Beat.of(cases.get(i)[1].signum() == 0 ? d.andNot(remainderBits) : d, false));
            }
            BeatChecker.assertData(sim, out, expected, compared);
            long divisions = sim.cycle();

            // latency of one division on the idle divider, valid and ready always high
            sim.run(4L * (dividendW + 4));
            in.setValidPermille(1000);
            out.setReadyPermille(1000);
            BigInteger a = nMax.shiftRight(dividendW - quotientW + 1);
            BigInteger b = BigInteger.valueOf(3).min(dMax);
            long pushed = sim.cycle();
            in.push(request(0, a, b, dividendW, divisorW), false);
            sim.runUntilSinksHave(1, 10L * (dividendW + 4));
            List<Beat> lone = out.take();
            BeatChecker.assertData(sim, out, List.of(result(0, a, b, nMax, dividendW, divisorW)), lone);
            BeatChecker.assertDrained(sim, out, 4L * (dividendW + 4));
            System.out.printf("  %d divisions in %d cycles, lone division out %d cycles after its push%n",
                    got.size(), divisions, lone.get(0).cycle() - pushed);
            // pinned by hand: QUOTIENT_W + 1 = 32 for the full 31-bit quotient, 26 for LayerNorm's 25
            Integer pinned = quotientW == 31 ? Integer.valueOf(32) : quotientW == 25 ? Integer.valueOf(26) : null;
            if (pinned != null && lone.get(0).cycle() - pushed != pinned) {
                BeatChecker.fail(sim, out, "latency " + (lone.get(0).cycle() - pushed) + " cycles, by hand QUOTIENT_W + 1 = "
                        + pinned);
            }
            if (lone.get(0).cycle() - pushed != Divider.latency(quotientW)) {
                BeatChecker.fail(sim, out, "latency " + (lone.get(0).cycle() - pushed) + " cycles, expected "
                        + Divider.latency(quotientW));
            }
        }
    }

    private static BigInteger request(int i, BigInteger a, BigInteger b, int dividendW, int divisorW) {
        BigInteger tag = BigInteger.valueOf(i & 0xffff);
        return tag.shiftLeft(divisorW + dividendW).or(b.shiftLeft(dividendW)).or(a);
    }

    /**
     * Floor division; a zero divisor gives the documented all-ones quotient and an undefined
     * remainder, which the caller masks out of the comparison.
     */
    private static BigInteger result(int i, BigInteger a, BigInteger b, BigInteger nMax, int dividendW, int divisorW) {
        BigInteger tag = BigInteger.valueOf(i & 0xffff);
        BigInteger q = b.signum() == 0 ? nMax : a.divide(b);
        BigInteger r = b.signum() == 0 ? BigInteger.ZERO : a.mod(b);
        return tag.shiftLeft(divisorW + dividendW).or(r.shiftLeft(dividendW)).or(q);
    }
}
