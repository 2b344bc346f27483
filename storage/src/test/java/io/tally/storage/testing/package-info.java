/**
 * Test support for modules that need a real Cassandra: {@link io.tally.storage.testing.CassandraNodeExtension}
 * shares one local node per test JVM. Published in tally-storage's test jar ({@code <type>test-jar</type>}).
 */
package io.tally.storage.testing;
