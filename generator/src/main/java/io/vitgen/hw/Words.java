package io.vitgen.hw;

/** English for counts in report facts: "1 lane", "4 lanes". */
public final class Words {

    private Words() {
    }

    /** {@code n} and the noun, plural unless n is 1: count(1, "lane") = "1 lane", count(3, "lane") = "3 lanes". */
    public static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : plural(noun));
    }

    private static String plural(String noun) {
        if (noun.endsWith("y") && !noun.endsWith("ay") && !noun.endsWith("ey")) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) {
            return noun + "es";
        }
        return noun + "s";
    }
}
