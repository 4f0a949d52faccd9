package dev.cqrs.orders.platform.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cqrs.orders.testsupport.Mutants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The WAR the build ships cannot be made unsafe: it holds no CDI alternative (the fault suite's
 * mutants are alternatives, packaged into test WARs only, {@link Mutants}), none of the mutants'
 * classes, and nothing reads a configuration switch that turns a mechanism off.
 */
class ShippedWarIT {

    private static final String ALTERNATIVE = "Ljakarta/enterprise/inject/Alternative;";

    @Test
    void theShippedWarHoldsNoMutantAndNoSwitchThatTurnsAPromiseOff() throws IOException {
        List<String> alternatives = new ArrayList<>();
        List<String> switches = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        try (ZipFile war = new ZipFile("target/cqrs-orders.war")) {
            for (ZipEntry entry : war.stream().toList()) {
                String name = entry.getName();
                if (!name.startsWith("WEB-INF/classes/")) {
                    continue;
                }
                String content = new String(war.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
                if (name.endsWith(".class")) {
                    classes.add(name);
                    if (content.contains(ALTERNATIVE)) {
                        alternatives.add(name);
                    }
                }
                if (content.contains("cqrs.unsafe")) {
                    switches.add(name);
                }
            }
        }
        assertThat(classes).as("the application's classes in the shipped WAR").hasSizeGreaterThan(100);
        assertThat(alternatives).as("CDI alternatives in the shipped WAR").isEmpty();
        assertThat(switches).as("files of the shipped WAR that mention a cqrs.unsafe switch").isEmpty();
        assertThat(classes).as("mutants in the shipped WAR").doesNotContainAnyElementsOf(Mutants.classes().stream()
                .map(type -> "WEB-INF/classes/" + type.getName().replace('.', '/') + ".class").toList());
    }
}
