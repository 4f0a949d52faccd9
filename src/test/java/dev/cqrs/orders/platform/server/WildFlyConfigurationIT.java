package dev.cqrs.orders.platform.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cqrs.orders.testsupport.Trees;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * server-config/wildfly's JBoss CLI scripts keep the quickstarts' promise: configure-*.cli applied
 * twice changes nothing the second time, remove-*.cli takes out what configure made (twice is
 * harmless too), and configure after remove gives the same configuration again (scripts/lib.sh's
 * ensure_wildfly makes the tests' and ./run's WildFly the same way). Applied offline (embedded server) to standalone-full.xml in a scratch
 * copy of the test stack's WildFly home (its own configuration and modules folder; the base modules
 * shared read-only), so the home the other tests use is never touched.
 */
class WildFlyConfigurationIT {

    private static final Path WILDFLY_HOME = Path.of(System.getProperty("test.wildfly.home"));
    private static final Path SCRATCH = Path.of("target/wildfly-configuration-check");
    private static final Path HOME = SCRATCH.resolve("home");
    private static final Path CONFIGURATION = HOME.resolve("standalone/configuration/standalone-cqrs.xml");
    private static final Path DRIVER_MODULE = HOME.resolve("modules/org/postgresql/main");

    @BeforeAll
    static void scratchHome() throws IOException {
        Trees.delete(SCRATCH);
        Files.createDirectories(HOME.resolve("modules"));
        Trees.copy(WILDFLY_HOME.resolve("bin"), HOME.resolve("bin"));
        Trees.copy(WILDFLY_HOME.resolve("standalone/configuration"), HOME.resolve("standalone/configuration"));
        Files.copy(WILDFLY_HOME.resolve("jboss-modules.jar"), HOME.resolve("jboss-modules.jar"));
        Files.createSymbolicLink(HOME.resolve("modules/system"), WILDFLY_HOME.resolve("modules/system").toAbsolutePath());
        Files.copy(HOME.resolve("standalone/configuration/standalone-full.xml"), CONFIGURATION,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void configureIsIdempotentAndRemoveUndoesIt() throws Exception {
        String pristine = Files.readString(CONFIGURATION);

        cli("configure");
        String configured = Files.readString(CONFIGURATION);
        assertThat(configured).contains("java:/jdbc/cqrs-write", "java:/jdbc/cqrs-events", "java:/jdbc/cqrs-read",
                "${env.CQRS_WRITE_PASSWORD}", "pooled-connection-factory name=\"activemq-ra\"",
                "enable-amq1-prefix=\"false\"", "allow-local-transactions=\"true\"", "microprofile-health-smallrye",
                "microprofile-openapi-smallrye", "application-security-domain name=\"cqrs-orders\"");
        // Neither an embedded broker nor an HTTPS or IIOP listener; no password in the file.
        assertThat(configured).doesNotContain("<server name=\"default\">", "https-listener", "iiop-openjdk",
                "cqrs-write-test");
        assertThat(DRIVER_MODULE.resolve("module.xml")).exists();
        // The message-driven beans' pool does not shrink with the CPU count (design-decisions §15).
        assertThat(configured).contains("<strict-max-pool name=\"mdb-strict-max-pool\" max-pool-size=\"8\"");

        cli("configure");
        assertThat(Files.readString(CONFIGURATION)).as("configure applied twice").isEqualTo(configured);

        cli("remove");
        String removed = Files.readString(CONFIGURATION);
        assertThat(removed).doesNotContain("cqrs-write", "cqrs-events", "cqrs-read", "cqrs-artemis",
                "microprofile-health-smallrye", "microprofile-openapi-smallrye", "application-security-domain name=\"cqrs-orders\"");
        assertThat(removed).contains("https-listener", "iiop-openjdk",
                "<strict-max-pool name=\"mdb-strict-max-pool\" derive-size=\"from-cpu-count\"");
        assertThat(DRIVER_MODULE).doesNotExist();
        cli("remove");
        assertThat(Files.readString(CONFIGURATION)).as("remove applied twice").isEqualTo(removed);

        cli("configure");
        assertThat(Files.readString(CONFIGURATION)).as("configure after remove").isEqualTo(configured);
        assertThat(pristine).isNotEqualTo(configured);
    }

    /** Applies server-config/wildfly/{kind}-*.cli, in name order, offline. */
    private static void cli(String kind) throws Exception {
        List<String> script = new ArrayList<>(List.of("embed-server --std-out=discard --server-config=standalone-cqrs.xml"));
        try (var files = Files.list(Path.of("server-config/wildfly"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches(kind + "-.*\\.cli")).sorted().toList()) {
                script.addAll(Files.readAllLines(file));
            }
        }
        script.add("stop-embedded-server");
        Path scriptFile = SCRATCH.resolve(kind + ".cli");
        Path properties = SCRATCH.resolve("cli.properties");
        Files.write(scriptFile, script);
        Files.writeString(properties, "cqrs.postgresql.jar=" + Path.of("target/server/postgresql.jar").toAbsolutePath() + "\n");
        Path log = SCRATCH.resolve(kind + "-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("bin/jboss-cli.sh").toString(),
                "--properties=" + properties.toAbsolutePath(), "--file=" + scriptFile.toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("JBOSS_HOME", HOME.toAbsolutePath().toString());
        builder.environment().remove("JAVA_OPTS");
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(kind + " scripts did not finish in 120 s (log: " + log + ")");
        }
        assertThat(process.exitValue()).as(kind + " scripts' exit status (log: " + log + ")").isZero();
    }


}
