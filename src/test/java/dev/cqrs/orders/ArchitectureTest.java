package dev.cqrs.orders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

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
}
