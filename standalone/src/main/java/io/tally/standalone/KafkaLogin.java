package io.tally.standalone;

import io.tally.broker.BrokerConfig;
import io.tally.broker.BrokerSasl;

/**
 * What a client must add to its configuration to log in to a bundled broker that requires SASL, as {@code tally
 * broker} and {@code tally standalone} print it at start: the settings, with the user and password left for the
 * reader to fill in (a password is never printed).
 */
final class KafkaLogin {
    private KafkaLogin() {}

    /**
     * @param indent put before each line
     * @return the client settings a line each, ending with a line break; empty when the broker requires no SASL
     */
    static String lines(BrokerSasl sasl, String indent) {
        if (!sasl.enabled()) {
            return "";
        }
        String n = System.lineSeparator();
        return indent + "security.protocol=" + sasl.securityProtocol() + n
                + indent + "sasl.mechanism=" + sasl.mechanism() + n
                + indent + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"USER\" password=\"PASSWORD\";" + n
                + indent + "  (USER: one of " + sasl.users().keySet() + ", whose passwords are "
                + BrokerConfig.SASL_PASSWORD + " and " + BrokerConfig.SASL_USERS + ")" + n;
    }
}
