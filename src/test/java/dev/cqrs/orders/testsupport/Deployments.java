package dev.cqrs.orders.testsupport;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jboss.shrinkwrap.resolver.api.maven.Maven;

/** Test archives, all made from the WAR the build produced: what is tested is what ships. */
public final class Deployments {

    static final File BUILT_WAR = new File("target/cqrs-orders.war");

    private Deployments() {
    }

    /** The application as built, at the root context like ./run deploys it. */
    public static WebArchive applicationAtRoot() {
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(BUILT_WAR).as(WebArchive.class);
    }

    /** The application as built, plus what in-container tests need (Awaitility, test helpers). */
    public static WebArchive applicationWithTests(String name) {
        File[] awaitility = Maven.resolver().loadPomFromFile("pom.xml")
                .resolve("org.awaitility:awaitility").withTransitivity().asFile();
        return ShrinkWrap.create(ZipImporter.class, name).importFrom(BUILT_WAR).as(WebArchive.class)
                .addAsLibraries(awaitility)
                .addClasses(Broker.class);
    }
}
