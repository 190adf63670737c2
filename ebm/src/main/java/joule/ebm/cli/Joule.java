package joule.ebm.cli;

import java.io.PrintWriter;
import java.util.List;
import joule.ebm.nn.Activation;
import joule.ebm.train.TrainingDivergedException;
import joule.tensor.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine.Spec;

/**
 * The {@code joule} command: {@code train}, {@code sample}, {@code eval}, {@code bench}, {@code score}, {@code denoise}
 * and {@code inpaint}. Errors
 * are one line on stderr: bad input (options, values, files, the output folder) exits with code 2,
 * a diverged training run with code 1; anything else is a bug and prints its stack trace.
 */
@Command(name = "joule", mixinStandardHelpOptions = true, version = "joule 0.1.0",
        description = "Energy-based models: train, sample, evaluate, benchmark; score, denoise, inpaint.",
        subcommands = {TrainCommand.class, SampleCommand.class, EvalCommand.class, BenchCommand.class,
                ScoreCommand.class, DenoiseCommand.class, InpaintCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "bin/joule with no arguments runs 'joule train' with its defaults (two moons, SSM-VR, CPU) "
                + "into ./joule-out. Each command has --help; docs/CLI.md describes options and outputs."})
public final class Joule implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: train, sample, eval, bench, score, denoise or inpaint");
    }

    /** The command line with its value converters and error handling; {@code execute(args)} returns the exit code. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Joule());
        Names.register(cl, RunConfig.ModelKind.class, "model");
        Names.register(cl, RunConfig.LossKind.class, "loss");
        Names.register(cl, RunConfig.SamplerKind.class, "sampler");
        Names.register(cl, Activation.class, "activation");
        Names.register(cl, Device.class, "device");
        cl.setExecutionStrategy(parsed -> {
            rejectUnmatched(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((e, args) -> fail(e.getCommandLine(), (e instanceof UnmatchedArgumentException u
                ? unmatched(u.getCommandLine(), u.getUnmatched()).getMessage() : e.getMessage()) + " (see '"
                + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')", 2));
        cl.setExecutionExceptionHandler((e, command, parsed) -> switch (e) {
            case CliException bad -> fail(command, bad.getMessage(), 2);
            case TrainingDivergedException diverged -> fail(command, diverged.getMessage(), 1);
            default -> throw e;
        });
        return cl;
    }

    /**
     * Unknown commands and stray arguments are errors even beside {@code --help} (where picocli would print
     * the help and succeed).
     */
    private static void rejectUnmatched(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                throw unmatched(p.commandSpec().commandLine(), p.unmatched());
            }
        }
    }

    /** The error for {@code unmatched} arguments of {@code command}: an unknown command, option or argument. */
    private static ParameterException unmatched(CommandLine command, List<String> unmatched) {
        String first = unmatched.getFirst();
        if (command.getParent() == null && !first.startsWith("-")) {
            return new ParameterException(command, "unknown command '" + first + "' (known: "
                    + String.join(", ", command.getSubcommands().keySet()) + ")");
        }
        return new ParameterException(command, (first.startsWith("-") ? "unknown option '" : "unexpected argument '")
                + first + "'");
    }

    private static int fail(CommandLine command, String message, int code) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + message.replaceAll("\\s*\\R\\s*", " "));
        err.flush();
        return code;
    }

    /** Runs {@code joule} with {@code args} and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
