package dev.cqrs.orders.testsupport;

import dev.cqrs.orders.eventstore.PublishWithoutDuplicateIdsMutant;
import dev.cqrs.orders.eventstore.PublishWithoutOutboxMutant;
import dev.cqrs.orders.readmodel.GateWithoutDuplicateCheckMutant;
import dev.cqrs.orders.readmodel.GateWithoutOrderingMutant;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The mutants of the mechanisms behind DESIGN.md's promises 1-3, which the fault suite must catch
 * (scripts/fault-mutations). Each is a set of CDI alternatives ({@code @Alternative @Priority}, so
 * enabled by being in the archive) that replace a bean of the application with one lacking the
 * mechanism. They live in src/test/java and only in the WAR made here: the shipped WAR has no
 * switch that turns a mechanism off (ShippedWarIT checks it).
 */
public final class Mutants {

    private static final Map<String, List<Class<?>>> ALL = Map.of(
            // Events written without outbox entries, sent once after the commit.
            "transactional-publish", List.of(PublishWithoutOutboxMutant.class),
            // No duplicate id on messages, and a gate that applies what the projections hold already.
            "dedupe", List.of(PublishWithoutDuplicateIdsMutant.class, GateWithoutDuplicateCheckMutant.class),
            // Only the gate's half: the broker still drops copies with a known duplicate id, so only
            // copies with fresh ones (FaultSuiteIT's stale copies) show it.
            "projection-dedupe", List.of(GateWithoutDuplicateCheckMutant.class),
            // A gate that applies events as they come, past gaps and parked predecessors.
            "ordering", List.of(GateWithoutOrderingMutant.class));

    private Mutants() {
    }

    public static List<Class<?>> classes() {
        return ALL.values().stream().flatMap(List::stream).toList();
    }

    /** The built WAR with the mutant {@code name}'s classes in it, as a file of its own under target/mutants. */
    public static File war(String name) {
        List<Class<?>> classes = ALL.get(name);
        if (classes == null) {
            throw new IllegalArgumentException("no mutant '" + name + "'; known: " + new TreeSet<>(ALL.keySet()));
        }
        File war = new File("target/mutants/" + name + "/cqrs-orders.war");
        war.getParentFile().mkdirs();
        ShrinkWrap.create(ZipImporter.class, "cqrs-orders.war").importFrom(Deployments.BUILT_WAR).as(WebArchive.class)
                .addClasses(classes.toArray(Class<?>[]::new))
                .as(ZipExporter.class).exportTo(war, true);
        return war;
    }
}
