/**
 * Benchmarks of Tally's hot paths: JMH benchmarks of the agent's per-message work, the producer harnesses that run
 * Kafka's {@code ProducerPerformance} with and without the agent, and {@code main} harnesses of audit-core's sketch,
 * digest and codec ({@code SketchComparison}, {@code DigestDecodeRate}, {@code CodecDecodeCost}). Build with
 * {@code mvn -pl benchmarks -am package -DskipTests}; run the JMH benchmarks with
 * {@code java -jar benchmarks/target/benchmarks.jar}, a harness with
 * {@code java -cp benchmarks/target/benchmarks.jar io.tally.benchmarks.<class>}. Each harness measures its candidates
 * in the same run, on the same data, and prints ratios. Figures are in BENCHMARKS.md.
 */
package io.tally.benchmarks;
