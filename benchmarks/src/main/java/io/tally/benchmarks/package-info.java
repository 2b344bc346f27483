/**
 * JMH benchmarks of Tally's hot paths: the agent's per-message work. Build with {@code mvn -pl benchmarks -am
 * package -DskipTests}, run with {@code java -jar benchmarks/target/benchmarks.jar}. Figures are in BENCHMARKS.md.
 */
package io.tally.benchmarks;
