package io.tally.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.tally.testing.ArchitectureRules.CASSANDRA_DRIVER;
import static io.tally.testing.ArchitectureRules.CASSANDRA_SERVER;
import static io.tally.testing.ArchitectureRules.FLINK;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/** audit-core is the bottom of the dependency graph: it must stay free of the heavy stacks and of Tally's modules. */
@AnalyzeClasses(packages = "io.tally.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule depends_on_no_other_tally_module = ArchitectureRules.dependsOnNoTallyModuleBut("core");

    @ArchTest
    static final ArchRule uses_neither_flink_nor_cassandra_nor_guava =
            ArchitectureRules.usesNoneOf("core", FLINK, CASSANDRA_DRIVER, CASSANDRA_SERVER, "com.google.common..");

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_type =
            ArchitectureRules.publicApiExposesNoInternalType("core");

    /**
     * The settings tables are Kafka {@code ConfigDef}s, the one settings mechanism of every role (each role brings
     * kafka-clients itself), and the questions several roles ask a cluster about audited topics are asked in one place
     * ({@code io.tally.core.kafka}); nothing else in core touches Kafka.
     */
    @ArchTest
    static final ArchRule only_the_settings_and_the_cluster_questions_use_kafka = noClasses()
            .that()
            .resideOutsideOfPackages("io.tally.core.settings..", "io.tally.core.kafka..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.kafka..");

    @ArchTest
    static final ArchRule the_settings_use_of_kafka_only_its_settings_mechanism =
            ArchitectureRules.ofKafkaOnlyTheSettingsMechanism("io.tally.core.settings..");

    @ArchTest
    static final ArchRule only_the_clock_reads_the_system_time = noClasses()
            .that()
            .doNotHaveFullyQualifiedName(Clock.SystemClock.class.getName())
            .should()
            .callMethod(System.class, "currentTimeMillis");
}
