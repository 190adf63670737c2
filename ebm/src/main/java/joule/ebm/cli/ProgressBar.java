package joule.ebm.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on stderr: step, loss, steps per second, time left, and the latest evaluation.
 * On a terminal one line is redrawn in place (carriage return, at most ten times a second);
 * otherwise a plain line is printed after every tenth of the run.
 */
final class ProgressBar {
    private static final int WIDTH = 20;

    private final PrintWriter out;
    private final int total;
    private final int done;
    private final boolean terminal;
    private long lastDraw;
    private String note = "";

    /** Progress towards step {@code total} of a run that starts after step {@code done} (0, or where it resumed). */
    ProgressBar(PrintWriter out, int total, int done, boolean terminal) {
        this.out = out;
        this.total = total;
        this.done = done;
        this.terminal = terminal;
    }

    /** Whether stderr is a terminal, by {@link java.io.Console#isTerminal()}. */
    static boolean stderrIsTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    /** Reports step {@code step} ({@code 1…total}) with its loss, {@code seconds} after the start. */
    void step(int step, double loss, double seconds) {
        long now = System.nanoTime();
        boolean last = step == total;
        if (terminal ? !last && now - lastDraw < 100_000_000L : !last && step % Math.max(1, total / 10) != 0) {
            return;
        }
        lastDraw = now;
        double rate = (step - done) / Math.max(seconds, 1e-9);
        String line = String.format(Locale.ROOT, "step %d/%d%s  loss %.4g  %.1f steps/s  %s left%s",
                step, total, terminal ? " " + bar(step) : "", loss, rate, clock((total - step) / rate), note);
        if (terminal) {
            out.print("\r" + line + "\033[K");
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Shows {@code text} (an evaluation's result) at the end of the following lines. */
    void note(String text) {
        note = "  " + text;
    }

    /** Ends the redrawn line early (training stopped before the last step). */
    void interrupt() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    private String bar(int step) {
        int filled = (int) ((long) WIDTH * step / total);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
