package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Opens driver sessions on a Cassandra cluster, local node or real, with Tally's defaults.
 *
 * <p>A {@link CqlSession} is thread-safe and expensive: open one per process and share it. Closing it is the
 * caller's job.
 */
public final class CassandraSessions {
    /** The data center name of a single node with SimpleSnitch, and of the default deployment. */
    public static final String DEFAULT_LOCAL_DATACENTER = "datacenter1";
    /** The CQL port used when a contact point names none. */
    public static final int DEFAULT_PORT = 9042;
    /** Request timeout of ordinary statements (the driver's own default is 2 s). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private CassandraSessions() {}

    /**
     * A session on one contact point in data center {@value #DEFAULT_LOCAL_DATACENTER}, with no keyspace.
     *
     * @throws com.datastax.oss.driver.api.core.AllNodesFailedException if no node answers
     */
    public static CqlSession open(InetSocketAddress contactPoint) {
        return builder(List.of(contactPoint), DEFAULT_LOCAL_DATACENTER, DEFAULT_REQUEST_TIMEOUT)
                .build();
    }

    /**
     * A session on the given contact points, with no keyspace.
     *
     * @param contactPoints at least one node of the cluster
     * @param localDatacenter the data center whose nodes serve requests (the driver requires one)
     * @throws com.datastax.oss.driver.api.core.AllNodesFailedException if no node answers
     */
    public static CqlSession open(Collection<InetSocketAddress> contactPoints, String localDatacenter) {
        return builder(contactPoints, localDatacenter, DEFAULT_REQUEST_TIMEOUT).build();
    }

    /**
     * A session builder with Tally's settings, to add a keyspace or other options before {@code build()}.
     *
     * @param contactPoints at least one node of the cluster
     * @param localDatacenter the data center whose nodes serve requests
     * @param requestTimeout timeout of a statement that sets none
     * @throws IllegalArgumentException if there is no contact point or the timeout is not positive
     */
    public static CqlSessionBuilder builder(
            Collection<InetSocketAddress> contactPoints, String localDatacenter, Duration requestTimeout) {
        Objects.requireNonNull(localDatacenter, "localDatacenter");
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one contact point is needed");
        }
        return builder(CassandraAccess.of(List.copyOf(contactPoints), localDatacenter), requestTimeout);
    }

    /**
     * A session on the cluster {@code access} names, logged in and over TLS where it says so, with no keyspace.
     *
     * @throws com.datastax.oss.driver.api.core.AllNodesFailedException if no node answers, or the login is refused
     */
    public static CqlSession open(CassandraAccess access) {
        return builder(access, DEFAULT_REQUEST_TIMEOUT).build();
    }

    /**
     * A session on the cluster {@code access} names, failing as a role's start fails.
     *
     * @throws StorageException naming the contact points and the driver's reason (never a password), if no node
     *     answers or the login is refused
     */
    public static CqlSession connect(CassandraAccess access) {
        try {
            return open(access);
        } catch (com.datastax.oss.driver.api.core.DriverException e) {
            throw new StorageException(
                    "Cannot connect to Cassandra at " + access.contactPoints() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A session builder for the cluster {@code access} names, with Tally's settings, to add a keyspace or other
     * options before {@code build()}.
     *
     * @param requestTimeout timeout of a statement that sets none
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public static CqlSessionBuilder builder(CassandraAccess access, Duration requestTimeout) {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, was " + requestTimeout);
        }
        var config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout);
        access.tls().ifPresent(tls -> {
            config.withString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, "DefaultSslEngineFactory")
                    .withBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, tls.hostnameValidation());
            tls.truststorePath()
                    .ifPresent(path -> config.withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, path)
                            .withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, tls.truststorePassword()));
            tls.keystorePath()
                    .ifPresent(path -> config.withString(DefaultDriverOption.SSL_KEYSTORE_PATH, path)
                            .withString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD, tls.keystorePassword()));
        });
        CqlSessionBuilder builder = CqlSession.builder()
                .addContactPoints(access.contactPoints())
                .withLocalDatacenter(access.localDatacenter())
                .withConfigLoader(config.build());
        access.login().ifPresent(login -> builder.withAuthCredentials(login.username(), login.password()));
        return builder;
    }

    /**
     * Parses a comma-separated list of {@code host[:port]} ({@code "localhost:9042,10.0.0.2"}); addresses are
     * resolved when the session connects.
     *
     * @throws IllegalArgumentException naming the bad entry, for an empty list, host or a bad port
     */
    public static List<InetSocketAddress> parseContactPoints(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<InetSocketAddress> points = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String host = entry;
            int port = DEFAULT_PORT;
            int colon = entry.lastIndexOf(':');
            if (colon >= 0 && entry.indexOf(':') == colon) {
                host = entry.substring(0, colon).trim();
                String portText = entry.substring(colon + 1).trim();
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad port in contact point '" + entry + "'", e);
                }
                if (port < 1 || port > 65_535) {
                    throw new IllegalArgumentException("port out of range in contact point '" + entry + "'");
                }
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("no host in contact point '" + entry + "'");
            }
            points.add(InetSocketAddress.createUnresolved(host, port));
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no contact point in '" + spec + "'");
        }
        return List.copyOf(points);
    }
}
