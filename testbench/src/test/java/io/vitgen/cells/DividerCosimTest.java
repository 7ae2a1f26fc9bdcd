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
 * random stalls on both sides.
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
        int tagW = 16;
        List<Path> rtl = new ArrayList<>(Emitter.writeModules(List.of(Divider.spec()),
                Path.of("target", "cosim-rtl", "vitgen_divider")));
        rtl.add(wrapper());
        VerilatedModel model = VerilatedModel.build(rtl, "tdut_divider_axis", Map.of("DIVIDEND_W", "" + dividendW,
                "DIVISOR_W", "" + divisorW, "TAG_W", "" + tagW, "PIPELINED", "" + pipelined));
        long seed = Long.getLong("vitgen.seed", 0x5eedL + dividendW * 131L + divisorW + pipelined);
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
        List<BigInteger> requests = new ArrayList<>();
        List<BigInteger> expected = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            BigInteger a = cases.get(i)[0];
            BigInteger b = cases.get(i)[1];
            BigInteger tag = BigInteger.valueOf(i & 0xffff);
            requests.add(tag.shiftLeft(divisorW + dividendW).or(b.shiftLeft(dividendW)).or(a));
            // floor division; a zero divisor gives the documented all-ones quotient and an
            // undefined remainder, which is masked out of the comparison below
            BigInteger q = b.signum() == 0 ? nMax : a.divide(b);
            BigInteger r = b.signum() == 0 ? BigInteger.ZERO : a.mod(b);
            expected.add(tag.shiftLeft(divisorW + dividendW).or(r.shiftLeft(dividendW)).or(q));
        }
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource in = sim.source("s_axis", 300 + rnd.nextInt(700));
            StreamSink out = sim.sink("m_axis", 300 + rnd.nextInt(700));
            sim.reset(4);
            for (BigInteger r : requests) {
                in.push(r, false);
            }
            sim.runUntilSinksHave(requests.size(), (long) requests.size() * (dividendW + 4) * 8);
            List<Beat> got = out.take();
            BigInteger remainderBits = dMax.shiftLeft(dividendW);
            List<Beat> compared = new ArrayList<>();
            for (int i = 0; i < got.size(); i++) {
                BigInteger d = got.get(i).data();
                compared.add(Beat.of(cases.get(i)[1].signum() == 0 ? d.andNot(remainderBits) : d, false));
            }
            BeatChecker.assertData(sim, out, expected, compared);
            System.out.printf("vitgen_divider PIPELINED=%d %d/%d bits: %d divisions in %d cycles (seed %d)%n",
                    pipelined, dividendW, divisorW, got.size(), sim.cycle(), seed);
        }
    }
}
