package io.tally.standalone;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/**
 * The boundaries of DESIGN.md across the whole build (this module sees every other): a module's {@code internal}
 * package is used by that module alone, and the dependency arrows point one way.
 */
@AnalyzeClasses(packages = "io.tally", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule internal_packages_are_used_only_inside_their_module =
            ArchitectureRules.internalPackagesAreUsedOnlyInsideTheirModule();

    @ArchTest
    static final ArchRule the_agent_depends_on_nothing_of_tally_but_core =
            ArchitectureRules.dependsOnNoTallyModuleBut("agent", "core");

    @ArchTest
    static final ArchRule storage_does_not_depend_on_the_roles_above_it =
            ArchitectureRules.dependsOnNoTallyModuleBut("storage", "core");

    @ArchTest
    static final ArchRule the_broker_depends_on_no_other_tally_module =
            ArchitectureRules.dependsOnNoTallyModuleBut("broker");

    @ArchTest
    static final ArchRule the_cli_uses_no_module_s_internals = ArchitectureRules.dependsOnNoTallyModuleBut(
            "standalone", "core", "agent", "broker", "storage", "aggregator", "reconciler", "api");
}
