package io.vitgen.sim;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Hand-written test DUTs under src/test/resources/dut. */
final class TestDuts {
    private TestDuts() {
    }

    static Path file(String name) {
        URL url = TestDuts.class.getClassLoader().getResource("dut/" + name);
        if (url == null) {
            throw new IllegalArgumentException("test DUT dut/" + name + " not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
