package fr.relais.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The options of a command-line tool: {@code --name value}, {@code --name=value} and bare flags. */
final class CommandOptions {

    /** A mistake in the command line, said so the user can fix it. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final boolean help;

    private CommandOptions(boolean help) {
        this.help = help;
    }

    static CommandOptions parse(String[] args, Set<String> valueOptions, Set<String> flagOptions) {
        CommandOptions o = new CommandOptions(java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h")));
        for (int i = 0; i < args.length && !o.help; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (flagOptions.contains(arg)) {
                if (value != null) {
                    throw new UsageException(arg + " takes no value");
                }
                o.flags.add(arg);
                continue;
            }
            if (!valueOptions.contains(arg)) {
                throw new UsageException("unknown option '" + args[i] + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                value = args[++i];
            }
            o.values.put(arg, value);
        }
        return o;
    }

    boolean help() {
        return help;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    <T> T get(String name, T otherwise, Function<String, T> parser, String expected) {
        String value = values.get(name);
        return value == null ? otherwise : parse(name, value, parser, expected);
    }

    /** Gives the option's value as written to {@code use} when the option was given. */
    void ifGiven(String name, java.util.function.Consumer<String> use) {
        String value = values.get(name);
        if (value != null) {
            use.accept(value);
        }
    }

    /** Gives the option's value, parsed, to {@code use} when the option was given. */
    <T> void ifGiven(String name, Function<String, T> parser, String expected, java.util.function.Consumer<T> use) {
        String value = values.get(name);
        if (value != null) {
            use.accept(parse(name, value, parser, expected));
        }
    }

    static <T> T parse(String option, String value, Function<String, T> parser, String expected) {
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new UsageException(option + " needs " + expected + ", got '" + value + "'");
        }
    }
}
