package io.tally.agent;

import static io.tally.testing.ArchitectureRules.CASSANDRA_DRIVER;
import static io.tally.testing.ArchitectureRules.FLINK;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/** The agent runs inside users' applications: it leans on audit-core, the Kafka client and SLF4J, nothing else. */
@AnalyzeClasses(packages = "io.tally.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule depends_on_no_tally_module_but_core =
            ArchitectureRules.dependsOnNoTallyModuleBut("agent", "core");

    @ArchTest
    static final ArchRule uses_no_library_but_the_kafka_client_and_slf4j =
            ArchitectureRules.usesNoneOf("agent", FLINK, CASSANDRA_DRIVER, "com.fasterxml..");

    @ArchTest
    static final ArchRule uses_nothing_of_the_kafka_server = ArchitectureRules.usesNoKafkaServer("agent");

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_type =
            ArchitectureRules.publicApiExposesNoInternalType("agent");
}
