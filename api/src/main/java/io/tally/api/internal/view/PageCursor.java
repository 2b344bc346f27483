package io.tally.api.internal.view;

import io.tally.storage.DiscrepancyCursor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque {@code cursor} of a page of discrepancies: URL-safe base64 of {@code v1:<position>:<id>}. Opaque so
 * that clients pass it back unchanged rather than build one; versioned so that its form may change.
 */
public final class PageCursor {
    private static final String VERSION = "v1";

    private PageCursor() {}

    public static String encode(DiscrepancyCursor c) {
        String text = VERSION + ':' + c.position() + ':' + c.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if {@code text} is not a cursor this API made */
    public static DiscrepancyCursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":");
            if (parts.length != 3 || !parts[0].equals(VERSION)) {
                throw new IllegalArgumentException("not a cursor of this API");
            }
            return new DiscrepancyCursor(Long.parseLong(parts[1]), UUID.fromString(parts[2]));
        } catch (IllegalArgumentException e) { // includes NumberFormatException and bad base64
            throw new IllegalArgumentException("cursor is not one this API returned (pass nextCursor unchanged)", e);
        }
    }
}
