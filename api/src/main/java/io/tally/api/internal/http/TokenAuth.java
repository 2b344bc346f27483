package io.tally.api.internal.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Bearer tokens: a request is let in when its {@code Authorization: Bearer <token>} is one of the configured
 * tokens. Tokens are compared by their SHA-256 digests with {@link MessageDigest#isEqual} (constant time), and every
 * configured token is compared, so the answer's timing tells nothing about which token or how much of it matched.
 * With no tokens configured every request is let in. Immutable and thread-safe.
 */
final class TokenAuth {
    private static final String BEARER = "Bearer ";

    private final List<byte[]> digests;

    TokenAuth(List<String> tokens) {
        this.digests = tokens.stream().map(TokenAuth::sha256).toList();
    }

    boolean enabled() {
        return !digests.isEmpty();
    }

    /** @param authorization the request's Authorization header, or null */
    boolean allows(String authorization) {
        if (digests.isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] given = sha256(authorization.substring(BEARER.length()).trim());
        boolean match = false;
        for (byte[] d : digests) {
            match |= MessageDigest.isEqual(d, given);
        }
        return match;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
