package io.tally.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The agent runs inside users' applications: it leans on audit-core, the Kafka client and SLF4J, nothing else. */
class ArchitectureTest {
    private static final JavaClasses AGENT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tally.agent");

    @Test
    void depends_on_no_tally_module_but_core_and_on_no_library_but_the_kafka_client_and_slf4j() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.tally.broker..",
                        "io.tally.storage..",
                        "io.tally.aggregator..",
                        "io.tally.reconciler..",
                        "io.tally.api..",
                        "io.tally.standalone..",
                        "io.tally.core.internal..",
                        "org.apache.flink..",
                        "com.datastax..",
                        "com.fasterxml..",
                        "kafka..",
                        "org.apache.kafka.server..")
                .check(AGENT);
    }
}
