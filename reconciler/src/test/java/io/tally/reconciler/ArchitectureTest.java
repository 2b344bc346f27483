package io.tally.reconciler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.tally.testing.ArchitectureRules.CASSANDRA_SERVER;
import static io.tally.testing.ArchitectureRules.FLINK;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/** The reconciler reads Kafka and the store; its verdict logic does no I/O at all. */
@AnalyzeClasses(packages = "io.tally.reconciler", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_type =
            ArchitectureRules.publicApiExposesNoInternalType("reconciler");

    @ArchTest
    static final ArchRule depends_on_no_tally_module_but_core_and_storage =
            ArchitectureRules.dependsOnNoTallyModuleBut("reconciler", "core", "storage");

    @ArchTest
    static final ArchRule never_depends_on_the_cassandra_server_nor_flink =
            ArchitectureRules.usesNoneOf("reconciler", CASSANDRA_SERVER, FLINK);

    @ArchTest
    static final ArchRule never_depends_on_the_kafka_server = ArchitectureRules.usesNoKafkaServer("reconciler");

    @ArchTest
    static final ArchRule the_verdict_logic_does_no_io = noClasses()
            .that()
            .resideInAnyPackage("..internal.verdict..", "..internal.state..", "..internal.topology..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.kafka..",
                    "com.datastax..",
                    "java.net..",
                    "io.tally.reconciler.internal.kafka..",
                    "io.tally.reconciler.internal.alert..");
}
