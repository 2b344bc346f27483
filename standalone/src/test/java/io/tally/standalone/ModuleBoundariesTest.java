package io.tally.standalone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of DESIGN.md across the whole build (this module sees every other): a module's {@code internal}
 * package is used by that module alone, and the dependency arrows point one way.
 */
class ModuleBoundariesTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tally");
    private static final List<String> MODULES =
            List.of("core", "agent", "broker", "storage", "aggregator", "reconciler", "api", "standalone");

    @Test
    void internal_packages_are_used_only_inside_their_module() {
        for (String module : MODULES) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage("io.tally." + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("io.tally." + module + ".internal..")
                    .allowEmptyShould(true)
                    .check(ALL);
        }
    }

    @Test
    void the_agent_depends_on_nothing_of_tally_but_core() {
        noClasses()
                .that()
                .resideInAPackage("io.tally.agent..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.tally.broker..",
                        "io.tally.storage..",
                        "io.tally.aggregator..",
                        "io.tally.reconciler..",
                        "io.tally.api..",
                        "io.tally.standalone..",
                        "org.apache.flink..",
                        "com.datastax..")
                .check(ALL);
    }

    @Test
    void storage_and_broker_do_not_depend_on_the_roles_above_them() {
        noClasses()
                .that()
                .resideInAnyPackage("io.tally.storage..", "io.tally.broker..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.tally.aggregator..",
                        "io.tally.reconciler..",
                        "io.tally.api..",
                        "io.tally.standalone..",
                        "io.tally.agent..")
                .check(ALL);
    }
}
