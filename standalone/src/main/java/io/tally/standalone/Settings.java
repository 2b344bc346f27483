package io.tally.standalone;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The settings options every role shares: a properties file ({@code --config}) and single settings
 * ({@code --set key=value}), the latter winning. Flags of a command are applied on top of both.
 */
final class Settings {
    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of settings (the keys of the role's settings table).")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "One setting, for example --set tally.reconciler.grace.ms=5000; may be repeated.")
    Map<String, String> single = new LinkedHashMap<>();

    /** @return the file's settings, then the single ones; each command adds its flags on top */
    Map<String, String> load() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
            properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
        }
        settings.putAll(single);
        return settings;
    }
}
