package io.tally.broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.tally.testing.ArchitectureRules.KAFKA_SERVER;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/** The API package hides Kafka's server internals and this module's implementation package. */
@AnalyzeClasses(packages = "io.tally.broker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule only_the_internal_package_uses_kafka_server_classes =
            noClasses().that().resideInAPackage("io.tally.broker").should().dependOnClassesThat(KAFKA_SERVER);

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_or_kafka_server_type =
            ArchitectureRules.publicApiShowsNo("broker", KAFKA_SERVER);

    @ArchTest
    static final ArchRule depends_on_no_other_tally_module = ArchitectureRules.dependsOnNoTallyModuleBut("broker");
}
