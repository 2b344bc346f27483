package io.tally.broker.internal;

import io.tally.broker.BrokerException;
import io.tally.broker.BrokerSasl;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The SCRAM users of a broker that requires SASL. They are written into the bootstrap metadata when a data directory is
 * formatted (what {@code kafka-storage format --add-scram} does), so they exist before any node serves; and they are
 * set again at every start, handed to the active controller in this JVM (an admin client cannot: the controller
 * listener does not serve that request to clients, and the client listener only lets in users who know their old
 * password), so a password changed in the settings replaces the one of a directory formatted before and a user added
 * since is created. Passwords go to Kafka only, salted: never into a message.
 */
final class ScramUsers {
    /** Iterations of the salted password: Kafka's default, and its minimum for SCRAM. */
    private static final int ITERATIONS = 4096;

    private static final long RETRY_MS = 100;

    private ScramUsers() {}

    /**
     * @return the Formatter's SCRAM arguments ({@code SCRAM-SHA-512=[name=...,password=...]}) of every user; empty
     *     without SASL. {@link BrokerSasl} has refused names and passwords the Formatter's parser would misread.
     */
    static List<String> formatArguments(BrokerSasl sasl) {
        List<String> arguments = new ArrayList<>();
        sasl.users()
                .forEach((name, password) ->
                        arguments.add(sasl.mechanism() + "=[name=" + name + ",password=" + password.value() + "]"));
        return arguments;
    }

    /**
     * Creates every user, or gives it its configured password again, through whichever of {@code nodes} is the active
     * controller, and waits until the change is committed. A no-op without SASL.
     *
     * @throws BrokerException naming the users and what went wrong when no controller commits them in time
     */
    static void apply(BrokerSasl sasl, List<KafkaNode> nodes, Duration timeout) {
        if (!sasl.enabled()) {
            return;
        }
        AlterUserScramCredentialsRequestData request = request(sasl);
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "no active controller";
        try {
            while (System.nanoTime() - deadline < 0) {
                for (KafkaNode node : nodes) {
                    if (!node.isActiveController()) {
                        continue;
                    }
                    long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    try {
                        lastError = refused(node.alterScramCredentials(request).get(leftMs, TimeUnit.MILLISECONDS));
                        if (lastError == null) {
                            return;
                        }
                    } catch (ExecutionException e) {
                        lastError = String.valueOf(e.getCause());
                    } catch (TimeoutException e) {
                        lastError = "no answer from the controller of node "
                                + node.spec().id();
                    }
                }
                Thread.sleep(RETRY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while setting the SASL users' credentials", e);
        }
        throw new BrokerException("Cannot set the " + sasl.mechanism() + " credentials of users "
                + sasl.users().keySet() + " within " + timeout.toMillis() + " ms: " + lastError);
    }

    /** @return the users the controller refused, with why; null when it took them all */
    private static String refused(AlterUserScramCredentialsResponseData response) {
        List<String> refused = new ArrayList<>();
        response.results().forEach(r -> {
            if (r.errorCode() != Errors.NONE.code()) {
                refused.add(r.user() + ": " + Errors.forCode(r.errorCode()).name()
                        + (r.errorMessage() == null ? "" : " " + r.errorMessage()));
            }
        });
        return refused.isEmpty() ? null : "refused " + refused;
    }

    /** @return the upsertion of every user, with a new salt and the password salted as a SCRAM client would */
    private static AlterUserScramCredentialsRequestData request(BrokerSasl sasl) {
        ScramMechanism mechanism = ScramMechanism.forMechanismName(sasl.mechanism());
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData();
        try {
            ScramFormatter formatter = new ScramFormatter(mechanism);
            for (var user : sasl.users().entrySet()) {
                byte[] salt = formatter.secureRandomBytes();
                request.upsertions()
                        .add(new ScramCredentialUpsertion()
                                .setName(user.getKey())
                                .setMechanism(org.apache.kafka.clients.admin.ScramMechanism.fromMechanismName(
                                                sasl.mechanism())
                                        .type())
                                .setIterations(ITERATIONS)
                                .setSalt(salt)
                                .setSaltedPassword(
                                        formatter.saltedPassword(user.getValue().value(), salt, ITERATIONS)));
            }
        } catch (GeneralSecurityException e) {
            throw new BrokerException("Cannot salt the SASL users' passwords with " + mechanism, e);
        }
        return request;
    }
}
