package io.tally.broker;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
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

/** The API package hides Kafka's server internals and this module's implementation package. */
@AnalyzeClasses(packages = "io.tally.broker", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageBoundaryTest {

    private static final DescribedPredicate<JavaClass> KAFKA_SERVER = resideInAnyPackage(
            "kafka..",
            "org.apache.kafka.server..",
            "org.apache.kafka.metadata..",
            "org.apache.kafka.raft..",
            "org.apache.kafka.storage..",
            "scala..");

    private static final DescribedPredicate<JavaClass> HIDDEN =
            DescribedPredicate.or(KAFKA_SERVER, resideInAnyPackage("io.tally.broker.internal.."));

    @ArchTest
    static final ArchRule only_the_internal_package_uses_kafka_server_classes =
            noClasses().that().resideInAPackage("io.tally.broker").should().dependOnClassesThat(KAFKA_SERVER);

    @ArchTest
    static final ArchRule public_api_signatures_show_no_internal_or_kafka_server_types = codeUnits()
            .that()
            .arePublic()
            .and()
            .areDeclaredInClassesThat()
            .resideInAPackage("io.tally.broker")
            .should(new ArchCondition<JavaCodeUnit>("use no internal or Kafka server type in their signature") {
                @Override
                public void check(JavaCodeUnit unit, ConditionEvents events) {
                    List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                    types.add(unit.getRawReturnType());
                    types.stream()
                            .filter(HIDDEN)
                            .forEach(type -> events.add(SimpleConditionEvent.violated(
                                    unit, unit.getFullName() + " exposes " + type.getName())));
                }
            });

    @ArchTest
    static final ArchRule depends_on_no_other_tally_module = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.tally.core..",
                    "io.tally.agent..",
                    "io.tally.storage..",
                    "io.tally.aggregator..",
                    "io.tally.reconciler..",
                    "io.tally.api..",
                    "io.tally.standalone..");
}
