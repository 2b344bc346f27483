package io.tally.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** audit-core is the bottom of the dependency graph: it must stay free of the heavy stacks and of Tally's modules. */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tally.core");

    @Test
    void core_depends_on_no_other_tally_module_nor_on_kafka_flink_or_cassandra() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.tally.agent..",
                        "io.tally.aggregator..",
                        "io.tally.storage..",
                        "io.tally.reconciler..",
                        "io.tally.api..",
                        "io.tally.broker..",
                        "io.tally.standalone..",
                        "org.apache.flink..",
                        "com.datastax..",
                        "org.apache.cassandra..",
                        "com.google.common..")
                .check(CORE);
    }

    /**
     * The settings tables are Kafka {@code ConfigDef}s, the one settings mechanism of every role (each role brings
     * kafka-clients itself), and the questions several roles ask a cluster about audited topics are asked in one place
     * ({@code io.tally.core.kafka}); nothing else in core touches Kafka, and the settings nothing of it but its config
     * package.
     */
    @Test
    void only_the_settings_and_the_cluster_questions_use_kafka() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.tally.core.settings..", "io.tally.core.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..")
                .check(CORE);
        noClasses()
                .that()
                .resideInAPackage("io.tally.core.settings..")
                .should()
                .dependOnClassesThat(resideInAPackage("org.apache.kafka..")
                        .and(not(resideInAPackage("org.apache.kafka.common.config.."))))
                .check(CORE);
    }

    @Test
    void only_the_clock_reads_the_system_time() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Clock.SystemClock.class.getName())
                .should()
                .callMethod(System.class, "currentTimeMillis")
                .check(CORE);
    }
}
