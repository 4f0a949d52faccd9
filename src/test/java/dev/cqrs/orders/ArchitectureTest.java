package dev.cqrs.orders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/**
 * The two sides cannot cross: no query class uses a command class or the reverse. Both may use
 * the published events and the platform. And the classes run on any Jakarta EE 10 server with
 * MicroProfile: one WAR for Payara Micro and WildFly, whose differences live in descriptors and
 * server-config/, never in code.
 */
@AnalyzeClasses(packages = "dev.cqrs.orders", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule queriesDoNotUseCommands = noClasses().that().resideInAPackage("..query..")
            .should().dependOnClassesThat().resideInAPackage("..command..");

    @ArchTest
    static final ArchRule commandsDoNotUseQueries = noClasses().that().resideInAPackage("..command..")
            .should().dependOnClassesThat().resideInAPackage("..query..");

    @ArchTest
    static final ArchRule eventsStandAlone = noClasses().that().resideInAPackage("..events..")
            .should().dependOnClassesThat().resideInAnyPackage("..command..", "..query..", "..eventstore..");

    @ArchTest
    static final ArchRule theQuerySideDoesNotTouchTheEventStore = noClasses().that().resideInAPackage("..query..")
            .should().dependOnClassesThat().resideInAPackage("..eventstore..");

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
