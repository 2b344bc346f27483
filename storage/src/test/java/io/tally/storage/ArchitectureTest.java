package io.tally.storage;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.tally.storage.internal.CassandraChildMain;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses STORAGE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tally.storage");

    @Test
    void storage_uses_the_driver_but_never_the_cassandra_server_nor_kafka_flink_or_later_modules() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.cassandra..",
                        "org.apache.flink..",
                        "io.tally.agent..",
                        "io.tally.aggregator..",
                        "io.tally.reconciler..",
                        "io.tally.api..",
                        "io.tally.broker..",
                        "io.tally.standalone..",
                        "io.tally.core.internal..")
                .check(STORAGE);
    }

    /** Kafka's config package only: the settings table is a {@code ConfigDef}, the one settings mechanism. */
    @Test
    void of_kafka_only_its_settings_mechanism() {
        noClasses()
                .should()
                .dependOnClassesThat(resideInAPackage("org.apache.kafka..")
                        .and(not(resideInAPackage("org.apache.kafka.common.config.."))))
                .check(STORAGE);
    }

    @Test
    void the_child_main_uses_only_the_jdk_because_it_is_copied_alone_onto_the_server_classpath() {
        classes()
                .that()
                .haveFullyQualifiedName(CassandraChildMain.class.getName())
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..")
                .check(STORAGE);
    }

    @Test
    void the_public_api_does_not_expose_internal_types() {
        noMethods()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage("io.tally.storage")
                .should()
                .haveRawReturnType(resideInAPackage("io.tally.storage.internal.."))
                .orShould()
                .haveRawParameterTypes(anyElementThat(resideInAPackage("io.tally.storage.internal..")))
                .check(STORAGE);
    }
}
