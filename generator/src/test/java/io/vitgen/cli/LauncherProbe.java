package io.vitgen.cli;

/** Stands in for vitgen.jar in {@link LauncherTest}: prints where it runs and what it was given. */
public final class LauncherProbe {

    private LauncherProbe() {
    }

    public static void main(String[] args) {
        System.out.println("probe cwd=" + System.getProperty("user.dir") + " args=" + String.join("|", args));
    }
}
