package io.tally.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.tally.testing.ArchitectureRules.CASSANDRA_DRIVER;
import static io.tally.testing.ArchitectureRules.CASSANDRA_SERVER;
import static io.tally.testing.ArchitectureRules.FLINK;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/** The API reads the store only: never the reconciler, Kafka or the Cassandra driver. */
@AnalyzeClasses(packages = "io.tally.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_type =
            ArchitectureRules.publicApiExposesNoInternalType("api");

    @ArchTest
    static final ArchRule depends_on_no_tally_module_but_core_and_storage =
            ArchitectureRules.dependsOnNoTallyModuleBut("api", "core", "storage");

    @ArchTest
    static final ArchRule uses_neither_flink_nor_the_cassandra_driver_nor_its_server =
            ArchitectureRules.usesNoneOf("api", FLINK, CASSANDRA_DRIVER, CASSANDRA_SERVER);

    @ArchTest
    static final ArchRule of_kafka_only_its_settings_mechanism =
            ArchitectureRules.ofKafkaOnlyTheSettingsMechanism("io.tally.api..");

    @ArchTest
    static final ArchRule the_views_know_nothing_of_http = noClasses()
            .that()
            .resideInAPackage("io.tally.api.internal.view..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..", "io.tally.api.internal.http..");
}
