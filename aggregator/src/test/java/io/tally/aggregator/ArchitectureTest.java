package io.tally.aggregator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.testing.ArchitectureRules;

/** The API package shows no implementation type; the implementation never reaches back into the API's runners. */
@AnalyzeClasses(packages = "io.tally.aggregator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule the_public_api_exposes_no_internal_type =
            ArchitectureRules.publicApiExposesNoInternalType("aggregator");

    @ArchTest
    static final ArchRule depends_on_no_tally_module_but_core =
            ArchitectureRules.dependsOnNoTallyModuleBut("aggregator", "core");

    @ArchTest
    static final ArchRule internal_packages_do_not_use_the_job_runners = noClasses()
            .that()
            .resideInAPackage("io.tally.aggregator.internal..")
            .should()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Job")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleNameStartingWith("LocalAggregator");
}
