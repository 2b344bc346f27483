/**
 * Tally on engines in processes of their own, as on real clusters: a Flink session cluster (a JobManager and
 * TaskManagers, each a JVM) that runs the shipped job jar submitted through Flink's REST API, as {@code flink run}
 * does.
 */
package io.tally.standalone.cluster;
