package io.tally.storage.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tally.storage.CassandraSessions;
import io.tally.storage.LocalCassandraConfig;
import io.tally.storage.LocalCassandraNode;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local Cassandra node per test JVM, shared by every test class that uses this extension: started on first
 * use, stopped (and its temporary data folder deleted) when the JUnit run ends.
 *
 * <p>Tests receive the node and a shared session (no keyspace) as parameters:
 *
 * <pre>{@code
 * @ExtendWith(CassandraNodeExtension.class)
 * class MyIT {
 *   @Test
 *   void stores_things(CqlSession session) { ... }
 * }
 * }</pre>
 *
 * <p>Do not close or stop what it hands out. Tests sharing the node should use their own keyspace or keys. The
 * node's jars come from the system property {@code tally.cassandra.lib} (set it in failsafe's
 * {@code systemPropertyVariables}) or from {@code storage/cassandra-dist/target/lib} above the working folder.
 */
public final class CassandraNodeExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(CassandraNodeExtension.class);

    /** The shared node and session, starting the node if this is the first use in this JVM. */
    public static SharedNode shared(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedNode.class, key -> SharedNode.start(), SharedNode.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalCassandraNode.class || type == CqlSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SharedNode shared = shared(context);
        return parameter.getParameter().getType() == LocalCassandraNode.class ? shared.node() : shared.session();
    }

    /** The shared node and a session on it; closed by JUnit at the end of the run. */
    public static final class SharedNode implements AutoCloseable {
        private final LocalCassandraNode node;
        private final CqlSession session;

        private SharedNode(LocalCassandraNode node, CqlSession session) {
            this.node = node;
            this.session = session;
        }

        static SharedNode start() {
            LocalCassandraNode node = new LocalCassandraNode(
                    LocalCassandraConfig.builder().cqlPort(0).build());
            try {
                node.start();
                return new SharedNode(node, CassandraSessions.open(node.contactPoint()));
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }

        public LocalCassandraNode node() {
            return node;
        }

        public CqlSession session() {
            return session;
        }

        @Override
        public void close() {
            try {
                session.close();
            } finally {
                node.close();
            }
        }
    }
}
