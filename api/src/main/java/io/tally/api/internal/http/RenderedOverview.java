package io.tally.api.internal.http;

import io.tally.api.internal.view.Overview;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The JSON of the answers drawn from an overview, written once per overview and variant: the full list of ten
 * thousand topics is megabytes, and every poll of a dashboard or a script asks for the same bytes until the next
 * refresh. Thread-safe; two threads may both write the same answer once, which is harmless.
 */
final class RenderedOverview {
    private record Rendered(Overview source, byte[] json) {}

    /** Most variants kept (windows × limits × filters people ask for); past it the memo starts again. */
    private static final int MAX_VARIANTS = 64;

    private final Map<String, Rendered> byVariant = new ConcurrentHashMap<>();

    /** @return the JSON of {@code body} for {@code source}, written now only if {@code source} is new */
    byte[] json(Overview source, String variant, Supplier<Object> body) {
        Rendered r = byVariant.get(variant);
        if (r == null || r.source() != source) {
            if (byVariant.size() >= MAX_VARIANTS) {
                byVariant.clear();
            }
            r = new Rendered(source, Json.bytes(body.get()));
            byVariant.put(variant, r);
        }
        return r.json();
    }
}
