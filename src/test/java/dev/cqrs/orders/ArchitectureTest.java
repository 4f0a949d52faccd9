package dev.cqrs.orders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/**
 * The two sides cannot cross: no query class uses a command class or the reverse. Both may use
 * the published events and the platform.
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
     * then the message is acknowledged. The attribute must sit on the class that declares onMessage
     * (on a subclass it does not apply to an inherited method, which then runs REQUIRED, with the
     * broker's acknowledgement in the same transaction as read_db).
     */
    @ArchTest
    static final ArchRule messageListenersDeliverWithoutContainerTransaction = methods().that().haveName("onMessage")
            .and().doNotHaveModifier(JavaModifier.SYNTHETIC).and().areDeclaredInClassesThat().implement(jakarta.jms.MessageListener.class)
            .should().beDeclaredInClassesThat(new DescribedPredicate<JavaClass>("are annotated NOT_SUPPORTED") {
                @Override
                public boolean test(JavaClass type) {
                    return type.tryGetAnnotationOfType(TransactionAttribute.class)
                            .map(attribute -> attribute.value() == TransactionAttributeType.NOT_SUPPORTED).orElse(false);
                }
            });
}
