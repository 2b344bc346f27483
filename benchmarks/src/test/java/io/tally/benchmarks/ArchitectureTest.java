package io.tally.benchmarks;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tally.agent.internal.AuditSink;
import io.tally.agent.internal.IdHeaders;
import io.tally.agent.internal.InternalSettings;

/**
 * The benchmarks measure the agent as applications run it, through its interceptors; of its internals they use
 * only the hooks its own tests use: a sink instead of a Kafka producer ({@code InternalSettings}, {@code AuditSink})
 * and the id stamp, to prepare records as the producer interceptor leaves them ({@code IdHeaders}).
 */
@AnalyzeClasses(packages = "io.tally.benchmarks", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule use_no_internals_of_a_tally_module_but_the_agent_s_test_hooks = noClasses()
            .should()
            .dependOnClassesThat(resideInAPackage("io.tally..internal..")
                    .and(not(belongToAnyOf(InternalSettings.class, AuditSink.class, IdHeaders.class))));
}
