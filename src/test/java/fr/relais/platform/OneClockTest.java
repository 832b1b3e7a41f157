package fr.relais.platform;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** One clock: the production code names the reading centers' zone in one place, Zones, and nowhere else. */
class OneClockTest {

    @Test
    void noProductionFileButZonesNamesTheCentersZone() throws IOException {
        Path sources = Path.of("src/main/java");
        Path zones = sources.resolve("fr/relais/platform/Zones.java");
        List<Path> naming;
        try (Stream<Path> files = Files.walk(sources)) {
            naming = files.filter(f -> f.toString().endsWith(".java")).filter(f -> !f.equals(zones))
                    .filter(f -> read(f).contains(Zones.DEFAULT_CENTER)).toList();
        }
        assertThat(naming).as("files naming %s outside Zones", Zones.DEFAULT_CENTER).isEmpty();
        assertThat(read(zones)).contains("\"" + Zones.DEFAULT_CENTER + "\"");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
