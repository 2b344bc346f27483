package io.tally.reconciler;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses RECONCILER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tally.reconciler");

    @Test
    void the_public_api_does_not_expose_internal_types() {
        noMethods()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage("io.tally.reconciler")
                .should()
                .haveRawReturnType(resideInAPackage("io.tally.reconciler.internal.."))
                .orShould()
                .haveRawParameterTypes(anyElementThat(resideInAPackage("io.tally.reconciler.internal..")))
                .check(RECONCILER);
    }

    @Test
    void the_verdict_logic_does_no_io() {
        noClasses()
                .that()
                .resideInAnyPackage("..internal.verdict..", "..internal.state..", "..internal.topology..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.kafka..",
                        "com.datastax..",
                        "java.net..",
                        "io.tally.reconciler.internal.kafka..",
                        "io.tally.reconciler.internal.alert..")
                .check(RECONCILER);
    }

    @Test
    void never_depends_on_the_server_side_of_anything_nor_on_another_modules_internals() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.cassandra..",
                        "kafka..",
                        "org.apache.flink..",
                        "io.tally.aggregator..",
                        "io.tally.agent..",
                        "io.tally.api..",
                        "io.tally.broker..",
                        "io.tally.standalone..",
                        "io.tally.storage.internal..",
                        "io.tally.core.internal..")
                .check(RECONCILER);
    }
}
