package dev.cqrs.orders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.eventstore.EventLog;
import dev.cqrs.orders.eventstore.EventMessages;
import dev.cqrs.orders.eventstore.RepublishRequest;
import dev.cqrs.orders.eventstore.Upcaster;
import dev.cqrs.orders.eventstore.Upcasters;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.persistence.CommandConnection;
import dev.cqrs.orders.platform.persistence.KeptWrites;
import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.Resource;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.util.List;
import java.util.Set;

/**
 * The architecture, as rules (docs/design-decisions.md, "Map"):
 * <ul>
 *   <li>the two sides cannot cross: no query class uses a command class or the reverse; both may
 *       use the published events and the platform;</li>
 *   <li>features ({@code order}, {@code catalog}, {@code customer}, {@code reporting}) never use each
 *       other's {@code command} or {@code query} classes: only each other's events;</li>
 *   <li>the read side ({@code readmodel} and every {@code query}) takes from the event store only
 *       its read path, never writes write_db and holds no write-side datasource;</li>
 *   <li>only the transaction helpers begin and end transactions;</li>
 *   <li>the classes run on any Jakarta EE 10 server with MicroProfile: one WAR for Payara Micro and
 *       WildFly, whose differences live in descriptors and server-config/, never in code.</li>
 * </ul>
 */
@AnalyzeClasses(packages = "dev.cqrs.orders", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final List<String> FEATURES = List.of("order", "catalog", "customer", "reporting");

    /** What the read side may use of the event store: the envelope, the read path, and the request for a re-send. */
    private static final Set<String> EVENT_STORE_READ_PATH = Set.of(EventEnvelope.class.getName(),
            EventLog.class.getName(), Upcasters.class.getName(), Upcaster.class.getName(), EventMessages.class.getName(),
            RepublishRequest.class.getName());

    @ArchTest
    static final ArchRule queriesDoNotUseCommands = noClasses().that().resideInAPackage("..query..")
            .should().dependOnClassesThat().resideInAPackage("..command..");

    @ArchTest
    static final ArchRule commandsDoNotUseQueries = noClasses().that().resideInAPackage("..command..")
            .should().dependOnClassesThat().resideInAnyPackage("..query..", "..readmodel..");

    @ArchTest
    static final ArchRule eventsStandAlone = noClasses().that().resideInAPackage("..events..")
            .should().dependOnClassesThat().resideInAnyPackage("..command..", "..query..", "..eventstore..", "..readmodel..");

    @ArchTest
    static void featuresUseOnlyEachOthersEvents(JavaClasses classes) {
        for (String feature : FEATURES) {
            for (String other : FEATURES) {
                if (!other.equals(feature)) {
                    noClasses().that().resideInAPackage("dev.cqrs.orders." + feature + "..")
                            .should().dependOnClassesThat().resideInAnyPackage("dev.cqrs.orders." + other + ".command..",
                                    "dev.cqrs.orders." + other + ".query..")
                            .because("features meet only through their published events")
                            .check(classes);
                }
            }
        }
    }

    /** The projection runtime serves every feature alike: it knows none of them. */
    @ArchTest
    static final ArchRule theReadSideRuntimeKnowsNoFeature = noClasses().that().resideInAPackage("..readmodel..")
            .should().dependOnClassesThat().resideInAnyPackage(FEATURES.stream().map(f -> "dev.cqrs.orders." + f + "..")
                    .toArray(String[]::new));

    @ArchTest
    static final ArchRule theReadSideTakesOnlyTheEventStoresReadPath = noClasses()
            .that().resideInAnyPackage("..query..", "..readmodel..")
            .should().dependOnClassesThat(new DescribedPredicate<JavaClass>("the event store's write path") {
                @Override
                public boolean test(JavaClass used) {
                    JavaClass target = used.getBaseComponentType();
                    return target.getPackageName().equals("dev.cqrs.orders.eventstore")
                            && !EVENT_STORE_READ_PATH.contains(target.getName())
                            && !EVENT_STORE_READ_PATH.contains(target.getName().replaceFirst("\\$.*", ""));
                }
            });

    /**
     * The read side's role may not write write_db; it does not even hold a connection to it (nor the
     * commands' handle on it, {@link CommandConnection}, nor their kept writes, {@link KeptWrites}).
     */
    @ArchTest
    static final ArchRule theReadSideHoldsNoWriteSideDatasource = fields().that().areDeclaredInClassesThat()
            .resideInAnyPackage("..query..", "..readmodel..")
            .should(new ArchCondition<JavaField>("not be the write side's datasource or persistence unit") {
                @Override
                public void check(JavaField field, ConditionEvents events) {
                    boolean writeDb = field.tryGetAnnotationOfType(Resource.class)
                            .map(resource -> resource.lookup().equals(Resources.WRITE_DB)).orElse(false)
                            || field.isAnnotatedWith(PersistenceContext.class)
                            || field.getRawType().isEquivalentTo(CommandConnection.class)
                            || field.getRawType().isEquivalentTo(KeptWrites.class);
                    if (writeDb) {
                        events.add(SimpleConditionEvent.violated(field, field.getFullName() + " reaches write_db"));
                    }
                }
            });

    /** Transactions begin and end in the helpers only: Jdbc.inTransaction, or the container's. */
    @ArchTest
    static final ArchRule onlyTheTransactionHelpersBeginTransactions = noClasses().that()
            .doNotHaveFullyQualifiedName(Jdbc.class.getName())
            .should().callMethod(Connection.class, "setAutoCommit", boolean.class)
            .orShould().callMethod(Connection.class, "commit")
            .orShould().callMethod(Connection.class, "rollback")
            .orShould().callMethodWhere(new DescribedPredicate<>("UserTransaction.begin") {
                @Override
                public boolean test(com.tngtech.archunit.core.domain.JavaMethodCall call) {
                    return call.getTargetOwner().isAssignableTo(jakarta.transaction.UserTransaction.class);
                }
            });

    /**
     * JSON-P through JsonSupport's provider, looked up once: each of jakarta.json.Json's static
     * factories looks the provider up again (ServiceLoader). ViewTable.rowData once did so per view
     * change, which raised the app's CPU per POST /orders from 1.81 to 2.61 ms (docs/benchmarks.md).
     * A static factory made once (a class's constant) is fine.
     */
    @ArchTest
    static final ArchRule jsonThroughOneProvider = noClasses().that()
            .doNotHaveFullyQualifiedName(JsonSupport.class.getName())
            .should().callMethodWhere(new DescribedPredicate<>("a jakarta.json.Json factory outside a static initializer") {
                @Override
                public boolean test(com.tngtech.archunit.core.domain.JavaMethodCall call) {
                    return call.getTargetOwner().isEquivalentTo(jakarta.json.Json.class)
                            && !call.getOrigin().getName().equals("<clinit>");
                }
            });

    /**
     * Message-driven beans deliver without a container transaction: the projection commits its own,
     * then the message is acknowledged. The attribute must sit on onMessage itself: on a subclass it
     * does not apply to an inherited method, which then runs REQUIRED, with the broker's
     * acknowledgement in the same transaction as read_db; on the declaring class, WildFly ignores it.
     */
    @ArchTest
    static final ArchRule messageListenersDeliverWithoutContainerTransaction = methods().that().haveName("onMessage")
            .and().doNotHaveModifier(JavaModifier.SYNTHETIC).and().areDeclaredInClassesThat().implement(jakarta.jms.MessageListener.class)
            .should(new ArchCondition<JavaMethod>("be annotated @TransactionAttribute(NOT_SUPPORTED)") {
                @Override
                public void check(JavaMethod method, ConditionEvents events) {
                    boolean notSupported = method.tryGetAnnotationOfType(TransactionAttribute.class)
                            .map(attribute -> attribute.value() == TransactionAttributeType.NOT_SUPPORTED).orElse(false);
                    if (!notSupported) {
                        events.add(SimpleConditionEvent.violated(method, method.getFullName() + " is not NOT_SUPPORTED"));
                    }
                }
            });

    /**
     * Jakarta EE and MicroProfile APIs only: no server's internals (Payara/GlassFish, WildFly/JBoss,
     * SmallRye, Jersey, RESTEasy, Undertow, Weld), no provider behind a standard API (Hibernate behind
     * JPA, Artemis behind JMS, the PostgreSQL driver behind JDBC), and no MicroProfile Metrics, which
     * WildFly does not ship. Libraries the WAR bundles for its own use (Flyway, Bucket4j) are allowed.
     */
    @ArchTest
    static final ArchRule onlyPortableApis = noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "fish.payara..", "org.glassfish..", "com.sun.enterprise..", "com.sun.jersey..",
            "org.jboss..", "org.wildfly..", "io.smallrye..", "io.undertow..", "org.jboss.weld..",
            "org.hibernate..", "org.apache.activemq..", "org.postgresql..",
            "org.eclipse.microprofile.metrics..")
            .because("the same WAR runs on Payara Micro and WildFly (README, Servers)");
}
