package io.tally.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Prints discrepancies (the API's JSON items) as an aligned table for a terminal. */
final class DiscrepancyTable {
    private static final String[] HEADER = {
        "KIND", "STATUS", "TOPIC", "EDGE", "BUCKET (UTC)", "MISSING", "DUP", "LOST IDS"
    };
    private static final int IDS_SHOWN = 3;

    private DiscrepancyTable() {}

    static void print(PrintWriter out, Iterable<JsonNode> items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode d : items) {
            rows.add(new String[] {
                d.get("kind").asText(),
                d.get("status").asText(),
                d.get("topic").asText(),
                d.get("upstreamTier").asText() + " → " + d.get("downstreamTier").asText(),
                Instant.ofEpochMilli(d.get("bucketStart").asLong()).toString(),
                d.get("missing").asText(),
                d.get("duplicated").asText(),
                ids(d)
            });
        }
        if (rows.size() == 1) {
            out.println("No discrepancies.");
            return;
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean number = i == 5 || i == 6;
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                line.append(number ? pad + cell : cell + (i == row.length - 1 ? "" : pad));
                if (i < row.length - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String ids(JsonNode d) {
        List<String> ids = new ArrayList<>();
        d.get("lostIds").forEach(id -> ids.add(id.asText()));
        if (ids.isEmpty()) {
            return d.get("missing").asLong() > 0 ? "(not named)" : "";
        }
        String shown = String.join(" ", ids.subList(0, Math.min(IDS_SHOWN, ids.size())));
        long more = Math.max(ids.size(), d.get("missing").asLong()) - Math.min(IDS_SHOWN, ids.size());
        return more > 0 ? shown + " +" + more : shown;
    }
}
