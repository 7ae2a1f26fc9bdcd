package io.vitgen.hw.gelu;

import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;

/** The GELU unit a configuration selects: gelu.variant, gelu.lanes, gelu.max.row, gelu.output. */
public final class GeluUnit {

    private GeluUnit() {
    }

    public static ModuleSpec of(Config.Gelu gelu) {
        return switch (gelu.variant()) {
            case "shiftgelu" -> ShiftGeluUnit.spec(gelu.lanes(), gelu.maxRow(), gelu.requantInt8());
            case "igelu" -> IGeluUnit.spec(gelu.lanes(), gelu.requantInt8());
            default -> throw new IllegalArgumentException("unknown gelu.variant " + gelu.variant());
        };
    }
}
