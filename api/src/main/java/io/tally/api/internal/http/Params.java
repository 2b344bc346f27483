package io.tally.api.internal.http;

import io.javalin.http.Context;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads and validates query and path parameters; anything wrong is an {@link ApiError} naming the parameter. */
final class Params {
    /** Kafka's legal topic names. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private static final Pattern WINDOW = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Params() {}

    /** @return the topic parameter, or null if absent */
    static String topic(Context ctx, String name, boolean path) {
        String value = path ? ctx.pathParam(name) : ctx.queryParam(name);
        if (value == null || (!path && value.isEmpty())) {
            return null;
        }
        if (!TOPIC.matcher(value).matches()) {
            throw ApiError.badParameter(name, "'" + value + "' is not a topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
        }
        return value;
    }

    /** @return a discrepancy kind, or null if absent */
    static Verdict kind(Context ctx) {
        String value = ctx.queryParam("kind");
        if (value == null || value.isEmpty()) {
            return null;
        }
        for (Verdict v : Verdict.values()) {
            if (v.isDiscrepancy() && v.name().equalsIgnoreCase(value)) {
                return v;
            }
        }
        throw ApiError.badParameter(
                "kind",
                "unknown kind '" + value + "'; one of "
                        + Arrays.stream(Verdict.values())
                                .filter(Verdict::isDiscrepancy)
                                .map(Enum::name)
                                .toList());
    }

    /** @return a status, or null if absent */
    static DiscrepancyStatus status(Context ctx) {
        String value = ctx.queryParam("status");
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return DiscrepancyStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter(
                    "status", "unknown status '" + value + "'; one of " + Arrays.toString(DiscrepancyStatus.values()));
        }
    }

    /** @return a time: epoch ms or an ISO-8601 instant ({@code 2026-11-30T10:00:00Z}); the default if absent */
    static long time(Context ctx, String name, long defaultValue) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            long t = value.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(value)
                    : Instant.parse(value).toEpochMilli();
            if (t < 0) {
                throw ApiError.badParameter(name, name + " must not be before 1970");
            }
            return t;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw ApiError.badParameter(
                    name, name + " must be epoch milliseconds or an ISO-8601 instant, was '" + value + "'");
        }
    }

    /** Checks that {@code [from, to)} is a range of at most {@code maxMs}. */
    static void range(long from, long to, long maxMs) {
        if (to <= from) {
            throw ApiError.badParameter("to", "to (" + to + ") must be after from (" + from + ")");
        }
        if (to - from > maxMs) {
            throw ApiError.badParameter(
                    "from",
                    "the range from-to may span at most "
                            + Duration.ofMillis(maxMs).toHours() + " h, was "
                            + Duration.ofMillis(to - from).toHours() + " h");
        }
    }

    /** @return an int in {@code [min, max]}, or the default if absent */
    static int intIn(Context ctx, String name, int min, int max, int defaultValue) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badParameter(
                name, name + " must be a whole number in [" + min + ", " + max + "], was '" + value + "'");
    }

    /** @return a duration such as {@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}, in ms; the default if absent */
    static long window(Context ctx, long min, long max, long defaultValue) {
        String value = ctx.queryParam("window");
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        var m = WINDOW.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long ms = switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> n * 86_400_000;
            };
            if (ms >= min && ms <= max) {
                return ms;
            }
        }
        throw ApiError.badParameter(
                "window",
                "window must be a duration like 15m, 1h or 7d, from "
                        + Duration.ofMillis(min).toMinutes() + " min to "
                        + Duration.ofMillis(max).toDays() + " days, was '"
                        + value + "'");
    }

    /** @return the discrepancy id of the path */
    static UUID discrepancyId(Context ctx) {
        String value = ctx.pathParam("id");
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equalsIgnoreCase(value)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiError.badParameter(
                "id",
                "'" + value + "' is not a discrepancy id (a UUID such as " + "3f2b8c1e-0d4a-3b7e-9c1f-2a6d5e8b4c70)");
    }
}
