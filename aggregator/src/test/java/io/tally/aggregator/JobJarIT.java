package io.tally.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The job jar for {@code flink run} carries the jobs, audit-core and the Kafka connector, and not Flink itself. */
class JobJarIT {
    private static final Path JAR = Path.of("target", "tally-aggregator-job.jar");

    @Test
    void the_job_jar_holds_the_jobs_and_the_connector_but_leaves_flink_to_the_cluster() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(AggregatorMain.class.getName());
            assertThat(jar.getEntry("io/tally/aggregator/AggregationJob.class")).isNotNull();
            assertThat(jar.getEntry("io/tally/core/codec/AuditCodec.class")).isNotNull();
            assertThat(jar.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
                    .isNotNull();
            assertThat(jar.getEntry("org/apache/kafka/clients/consumer/KafkaConsumer.class"))
                    .isNotNull();
            assertThat(jar.getEntry("com/datadoghq/sketch/ddsketch/DDSketch.class"))
                    .isNotNull();
            assertThat(jar.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
                    .isNull();
            assertThat(jar.getEntry("org/apache/flink/runtime/minicluster/MiniCluster.class"))
                    .isNull();
            assertThat(jar.getEntry("org/slf4j/Logger.class")).isNull();
            assertThat(jar.stream().filter(e -> e.getName().startsWith("org/apache/logging/log4j/")))
                    .isEmpty();
        }
    }
}
