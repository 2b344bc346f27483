/**
 * How the local Cassandra node is run, and the schema's CQL text. Not API: use {@code io.tally.storage}.
 *
 * <p>The node is a child JVM: {@link io.tally.storage.internal.NodeProcess} writes its configuration
 * ({@link io.tally.storage.internal.CassandraYaml}, {@link io.tally.storage.internal.LogbackXml}) into the data
 * folder laid out by {@link io.tally.storage.internal.NodeLayout}, builds the command line
 * ({@link io.tally.storage.internal.ChildJvmCommand}) and waits for CQL. The child's main class is
 * {@link io.tally.storage.internal.CassandraChildMain}: it watches the parent process and exits with it, so a
 * parent killed with {@code kill -9} leaves no Cassandra behind. That one class uses only {@code java.base}; it is
 * copied as a class file into the data folder and put first on the child's classpath, so the server's classpath
 * holds nothing of ours but it, whether Tally runs from {@code target/classes}, a jar or a shaded jar.
 *
 * <p>{@link io.tally.storage.internal.SchemaStatements} holds every CQL statement of the schema.
 */
package io.tally.storage.internal;
