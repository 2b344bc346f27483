/**
 * Measurement harnesses whose figures are in BENCHMARKS.md. They are programs, not tests: run them with
 * {@code mvn -q -pl audit-core test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=<class>}.
 * Each measures its candidates in the same run, on the same data, and prints ratios.
 */
package io.tally.core.bench;
