package io.tally.aggregator;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;

/** The API package shows no implementation type; the implementation never reaches back into the API's runners. */
@AnalyzeClasses(packages = "io.tally.aggregator", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageBoundaryTest {

    @ArchTest
    static final ArchRule public_api_signatures_show_no_internal_types = codeUnits()
            .that()
            .arePublic()
            .and()
            .areDeclaredInClassesThat()
            .resideInAPackage("io.tally.aggregator")
            .should(new ArchCondition<JavaCodeUnit>("use no internal type in their signature") {
                @Override
                public void check(JavaCodeUnit unit, ConditionEvents events) {
                    List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                    types.add(unit.getRawReturnType());
                    types.stream()
                            .filter(resideInAnyPackage("io.tally.aggregator.internal.."))
                            .forEach(type -> events.add(SimpleConditionEvent.violated(
                                    unit, unit.getFullName() + " exposes " + type.getName())));
                }
            });

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

    @ArchTest
    static final ArchRule depends_on_no_tally_module_but_core_nor_on_its_internals = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.tally.agent..",
                    "io.tally.storage..",
                    "io.tally.reconciler..",
                    "io.tally.api..",
                    "io.tally.broker..",
                    "io.tally.standalone..",
                    "io.tally.core.internal..");
}
