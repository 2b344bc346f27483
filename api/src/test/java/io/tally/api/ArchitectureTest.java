package io.tally.api;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tally.api");

    @Test
    void the_public_api_does_not_expose_internal_types() {
        noMethods()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage("io.tally.api")
                .should()
                .haveRawReturnType(resideInAPackage("io.tally.api.internal.."))
                .orShould()
                .haveRawParameterTypes(anyElementThat(resideInAPackage("io.tally.api.internal..")))
                .check(API);
    }

    /** Kafka's config package only: the settings table is a {@code ConfigDef}, the one settings mechanism. */
    @Test
    void of_kafka_only_its_settings_mechanism() {
        noClasses()
                .should()
                .dependOnClassesThat(resideInAPackage("org.apache.kafka..")
                        .and(not(resideInAPackage("org.apache.kafka.common.config.."))))
                .check(API);
    }

    @Test
    void reads_only_the_store_never_the_reconciler_kafka_or_the_driver() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.tally.reconciler..",
                        "io.tally.agent..",
                        "io.tally.aggregator..",
                        "io.tally.broker..",
                        "io.tally.standalone..",
                        "org.apache.flink..",
                        "com.datastax..",
                        "org.apache.cassandra..",
                        "io.tally.storage.internal..",
                        "io.tally.core.internal..")
                .check(API);
    }

    @Test
    void the_views_know_nothing_of_http() {
        noClasses()
                .that()
                .resideInAPackage("io.tally.api.internal.view..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..", "io.tally.api.internal.http..")
                .check(API);
    }
}
