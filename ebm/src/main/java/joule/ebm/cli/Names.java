package joule.ebm.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** Command-line names of enum constants: lower case, {@code -} for {@code _} ({@code SSM_VR} is {@code ssm-vr}). */
final class Names {
    private Names() {
    }

    /** The command-line name of {@code value}. */
    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code type} named {@code text}; {@code what} names the kind of value in the error. */
    static <E extends Enum<E>> E parse(Class<E> type, String what, String text) {
        for (E e : type.getEnumConstants()) {
            if (of(e).equals(text.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new CliException("unknown " + what + " '" + text + "' (known: " + list(type) + ")");
    }

    /** The command-line names of all constants of {@code type}, comma-separated. */
    static String list(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Names::of).collect(Collectors.joining(", "));
    }

    /** Makes {@code cl} and its subcommands read options of {@code type} by these names. */
    static <E extends Enum<E>> void register(CommandLine cl, Class<E> type, String what) {
        cl.registerConverter(type, text -> {
            try {
                return parse(type, what, text);
            } catch (CliException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
    }
}
