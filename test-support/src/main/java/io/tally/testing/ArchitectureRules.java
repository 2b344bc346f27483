package io.tally.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The boundaries of DESIGN.md that every module checks on its own classes, one rule each. A module is named by its
 * package under {@code io.tally} ({@code core}, {@code agent}, {@code storage}, ...): {@code io.tally.<module>} and
 * its packages outside {@code internal} are its API, {@code io.tally.<module>.internal..} its implementation.
 *
 * <p>Use them from a module's {@code ArchitectureTest}:
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "io.tally.storage", importOptions = ImportOption.DoNotIncludeTests.class)
 * class ArchitectureTest {
 *     @ArchTest
 *     static final ArchRule api = ArchitectureRules.publicApiExposesNoInternalType("storage");
 * }
 * }</pre>
 */
public final class ArchitectureRules {

    /** Every module's package name under {@code io.tally}, in the order of the build. */
    public static final List<String> MODULES = List.of(
            "core", "agent", "broker", "storage", "aggregator", "reconciler", "api", "standalone", "benchmarks");

    /** Apache Flink: the aggregator's, and nothing else's but the CLI that starts it. */
    public static final String FLINK = "org.apache.flink..";

    /** The Cassandra server: run as a child JVM from jars of its own, never linked against. */
    public static final String CASSANDRA_SERVER = "org.apache.cassandra..";

    /** The Cassandra driver: storage's implementation detail. */
    public static final String CASSANDRA_DRIVER = "com.datastax..";

    /** Kafka's broker side (and the Scala it is written in), as opposed to kafka-clients. */
    public static final DescribedPredicate<JavaClass> KAFKA_SERVER = resideInAnyPackage(
                    "kafka..",
                    "org.apache.kafka.server..",
                    "org.apache.kafka.metadata..",
                    "org.apache.kafka.raft..",
                    "org.apache.kafka.storage..",
                    "scala..")
            .as("Kafka's server side");

    private ArchitectureRules() {}

    /** @return the packages of {@code module}, e.g. {@code io.tally.storage..} */
    public static String packagesOf(String module) {
        return "io.tally." + known(module) + "..";
    }

    /** @return the implementation packages of {@code module}, e.g. {@code io.tally.storage.internal..} */
    public static String internalOf(String module) {
        return "io.tally." + known(module) + ".internal..";
    }

    /**
     * The public methods and constructors of {@code module}'s API packages take and return no type of its
     * {@code internal} packages, so the implementation can change without breaking callers.
     */
    public static ArchRule publicApiExposesNoInternalType(String module) {
        return publicApiShowsNo(module, resideInAPackage(internalOf(module)).as("internal types"));
    }

    /**
     * The public methods and constructors of {@code module}'s API packages take and return none of {@code hidden},
     * nor any type of its {@code internal} packages.
     */
    public static ArchRule publicApiShowsNo(String module, DescribedPredicate<? super JavaClass> hidden) {
        DescribedPredicate<JavaClass> internal = resideInAPackage(internalOf(module));
        DescribedPredicate<JavaClass> shown = DescribedPredicate.or(internal, hidden);
        return codeUnits()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage(packagesOf(module))
                .and()
                .areDeclaredInClassesThat()
                .resideOutsideOfPackage(internalOf(module))
                .should(new ArchCondition<JavaCodeUnit>("show no " + shown.getDescription() + " in their signature") {
                    @Override
                    public void check(JavaCodeUnit unit, ConditionEvents events) {
                        List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                        types.add(unit.getRawReturnType());
                        types.stream()
                                .filter(shown)
                                .forEach(type -> events.add(SimpleConditionEvent.violated(
                                        unit, unit.getFullName() + " exposes " + type.getName())));
                    }
                })
                .allowEmptyShould(true);
    }

    /**
     * The arrows of DESIGN.md's module table: {@code module} depends on no Tally module but {@code allowed}, and on
     * their API packages only, never on their {@code internal} ones.
     */
    public static ArchRule dependsOnNoTallyModuleBut(String module, String... allowed) {
        Set<String> permitted = Set.copyOf(Arrays.asList(allowed));
        permitted.forEach(ArchitectureRules::known);
        List<String> forbidden = new ArrayList<>();
        for (String other : MODULES) {
            if (other.equals(module)) {
                continue;
            }
            forbidden.add(permitted.contains(other) ? internalOf(other) : packagesOf(other));
        }
        return noClasses()
                .that()
                .resideInAPackage(packagesOf(module))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden.toArray(String[]::new))
                .as("the classes of io.tally." + module + " should depend on no Tally module but " + permitted
                        + ", and on none of their internal packages");
    }

    /**
     * A module's {@code internal} packages are used by that module alone. Meant for a set of classes that spans
     * modules (the CLI's, which sees every other); within one module it holds by construction.
     */
    public static ArchRule internalPackagesAreUsedOnlyInsideTheirModule() {
        List<ArchRule> rules = new ArrayList<>();
        for (String module : MODULES) {
            rules.add(noClasses()
                    .that()
                    .resideOutsideOfPackage(packagesOf(module))
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(internalOf(module))
                    .allowEmptyShould(true));
        }
        return CompositeArchRule.of(rules).as("internal packages should be used only inside their module");
    }

    /** {@code module} links against none of {@code packages} (ArchUnit package identifiers such as {@link #FLINK}). */
    public static ArchRule usesNoneOf(String module, String... packages) {
        return noClasses()
                .that()
                .resideInAPackage(packagesOf(module))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(packages);
    }

    /** {@code module} links against nothing of Kafka's server side ({@link #KAFKA_SERVER}). */
    public static ArchRule usesNoKafkaServer(String module) {
        return noClasses().that().resideInAPackage(packagesOf(module)).should().dependOnClassesThat(KAFKA_SERVER);
    }

    /**
     * Of Kafka, the classes of {@code packages} use only its config package: the settings tables are Kafka
     * {@code ConfigDef}s, the one settings mechanism of every role.
     */
    public static ArchRule ofKafkaOnlyTheSettingsMechanism(String... packages) {
        return noClasses()
                .that()
                .resideInAnyPackage(packages)
                .should()
                .dependOnClassesThat(resideInAPackage("org.apache.kafka..")
                        .and(not(resideInAPackage("org.apache.kafka.common.config.."))))
                .as("the classes of " + String.join(", ", packages)
                        + " should use of Kafka only its settings mechanism (org.apache.kafka.common.config)");
    }

    private static String known(String module) {
        if (!MODULES.contains(module)) {
            throw new IllegalArgumentException("no Tally module io.tally." + module + "; modules: " + MODULES);
        }
        return module;
    }
}
