package io.tally.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static io.tally.testing.ArchitectureRules.CASSANDRA_SERVER;
import static io.tally.testing.ArchitectureRules.FLINK;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.storage.internal.CassandraChildMain;
import io.tally.testing.ArchitectureRules;

/** Storage uses the Cassandra driver, never the server (it runs as a child JVM), nor Flink or the roles above it. */
@AnalyzeClasses(packages = "io.tally.storage", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule depends_on_no_tally_module_but_core =
            ArchitectureRules.dependsOnNoTallyModuleBut("storage", "core");

    @ArchTest
    static final ArchRule uses_neither_the_cassandra_server_nor_flink =
            ArchitectureRules.usesNoneOf("storage", CASSANDRA_SERVER, FLINK);

    @ArchTest
    static final ArchRule of_kafka_only_its_settings_mechanism =
            ArchitectureRules.ofKafkaOnlyTheSettingsMechanism("io.tally.storage..");

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_type =
            ArchitectureRules.publicApiExposesNoInternalType("storage");

    @ArchTest
    static final ArchRule the_child_main_uses_only_the_jdk_because_it_is_copied_alone_onto_the_server_classpath =
            classes()
                    .that()
                    .haveFullyQualifiedName(CassandraChildMain.class.getName())
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage("java..");
}
