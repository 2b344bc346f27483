package io.tally.core.settings;

import java.net.URI;

/**
 * How settings that hold secrets are shown in logs, errors and {@code toString()}: never in full. A webhook's URL
 * carries its secret in the path (Slack, Teams and most chat webhooks), so only where it goes is shown.
 */
public final class Secrets {
    private Secrets() {}

    /**
     * @return {@code url} with its path, query and user info hidden ({@code https://hooks.example.com/…}); empty
     *     for empty, and a placeholder for what does not parse
     */
    public static String url(String url) {
        if (url == null || url.isBlank()) {
            return "";
        }
        try {
            URI u = URI.create(url.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                return "(hidden)";
            }
            boolean more = u.getRawPath() != null
                            && !u.getRawPath().isEmpty()
                            && !u.getRawPath().equals("/")
                    || u.getRawQuery() != null;
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                    + (more ? "/…" : "");
        } catch (IllegalArgumentException e) {
            return "(hidden)";
        }
    }
}
