package fr.relais.audit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every action the code writes to the audit trail has words in French and in English, so that the
 * audit page never shows an action's code: the actions are read from the code's own audit calls
 * ({@code audit.record}, {@code refusals.refused} and the list-reading helpers {@code shown}).
 */
class AuditActionWordsTest {

    private static final Pattern CALL = Pattern.compile("(audit\\.record|refusals\\.refused|\\bshown)\\(");
    private static final Pattern ACTION = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\"");

    @Test
    void everyAuditedActionHasWordsInBothLanguages() throws IOException {
        Set<String> actions = actionsInTheCode();
        assertThat(actions).as("the scan finds the audit calls").contains("LOGIN", "STUDY_RECEIVED", "DESTINATION_UPDATED")
                .hasSizeGreaterThan(90);
        for (String bundle : new String[] {"messages.properties", "messages_en.properties"}) {
            Properties words = bundle(bundle);
            assertThat(actions.stream().filter(a -> words.getProperty("audit.action." + a, "").isBlank()).toList())
                    .as("actions without words in " + bundle).isEmpty();
        }
    }

    private static Set<String> actionsInTheCode() throws IOException {
        Set<String> actions = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = Files.readString(file);
                Matcher call = CALL.matcher(code);
                while (call.find()) {
                    int end = code.indexOf(';', call.end());
                    Matcher action = ACTION.matcher(code.substring(call.end(), end < 0 ? code.length() : end));
                    while (action.find()) {
                        actions.add(action.group(1));
                    }
                }
            }
        }
        return actions;
    }

    private static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/i18n", name), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
