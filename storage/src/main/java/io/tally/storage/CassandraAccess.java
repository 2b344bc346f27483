package io.tally.storage;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Cassandra cluster: its contact points and data center, and, where the cluster asks for them, a login
 * and TLS. Passwords are never shown: {@link #toString()} names only what is set.
 *
 * @param contactPoints   at least one node of the cluster
 * @param localDatacenter the data center whose nodes serve requests (the driver requires one)
 * @param login           the role and password to log in with, where the cluster authenticates
 * @param tls             TLS to the nodes, where they speak it
 */
public record CassandraAccess(
        List<InetSocketAddress> contactPoints, String localDatacenter, Optional<Login> login, Optional<Tls> tls) {

    public CassandraAccess {
        contactPoints = List.copyOf(contactPoints);
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one contact point is needed");
        }
        Objects.requireNonNull(localDatacenter, "localDatacenter");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(tls, "tls");
    }

    /** Access without login or TLS. */
    public static CassandraAccess of(List<InetSocketAddress> contactPoints, String localDatacenter) {
        return new CassandraAccess(contactPoints, localDatacenter, Optional.empty(), Optional.empty());
    }

    /** @return this access logging in as {@code username} */
    public CassandraAccess withLogin(String username, String password) {
        return new CassandraAccess(contactPoints, localDatacenter, Optional.of(new Login(username, password)), tls);
    }

    /** @return this access over TLS */
    public CassandraAccess withTls(Tls tls) {
        return new CassandraAccess(contactPoints, localDatacenter, login, Optional.of(tls));
    }

    /**
     * A role and its password ({@code PasswordAuthenticator}).
     *
     * @param username the role
     * @param password its password; never shown
     */
    public record Login(String username, String password) {
        public Login {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("a login needs a username");
            }
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Login[username=" + username + ", password=(hidden)]";
        }
    }

    /**
     * TLS to the nodes.
     *
     * @param truststorePath     the nodes' certificates or their CA; empty: the JVM's default trust store
     * @param truststorePassword its password; never shown
     * @param keystorePath       this client's own certificate, for nodes that require one; empty: none
     * @param keystorePassword   its password; never shown
     * @param hostnameValidation whether a node's certificate must name the address it was reached at
     */
    public record Tls(
            Optional<String> truststorePath,
            String truststorePassword,
            Optional<String> keystorePath,
            String keystorePassword,
            boolean hostnameValidation) {
        public Tls {
            Objects.requireNonNull(truststorePath, "truststorePath");
            Objects.requireNonNull(keystorePath, "keystorePath");
            truststorePassword = truststorePassword == null ? "" : truststorePassword;
            keystorePassword = keystorePassword == null ? "" : keystorePassword;
        }

        @Override
        public String toString() {
            return "Tls[truststore=" + truststorePath.orElse("(default)") + ", keystore=" + keystorePath.orElse("none")
                    + ", hostnameValidation=" + hostnameValidation + "]";
        }
    }
}
