package io.tally.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * What {@link DeploymentFilesTest} reads: the files of {@code docker/} (YAML through SnakeYAML, which resolves the
 * anchors and merge keys of compose.yaml as Compose does; it is on the class path with the broker's Kafka server jars)
 * and the facts of the build they must agree with (the POMs). Paths in messages are relative to the repository root.
 */
final class DeploymentFiles {
    /** The repository root: surefire runs this module's tests in standalone/. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static final String COMPOSE = "docker/compose.yaml";
    static final String DOCKERFILE = "docker/Dockerfile";

    /** One instruction of the Dockerfile, continuation lines joined. */
    record Instruction(String stage, String keyword, String arguments) {
        List<String> words() {
            return Arrays.asList(arguments.trim().split("\\s+"));
        }
    }

    private DeploymentFiles() {}

    static Path file(String relative) {
        return ROOT.resolve(relative);
    }

    static String text(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Object yaml(String relative) {
        return new Yaml().load(text(relative));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    // ---- compose.yaml

    static Map<String, Object> services() {
        return map(map(yaml(COMPOSE)).get("services"));
    }

    static Map<String, Object> service(String name) {
        return map(services().get(name));
    }

    /** @return the service's environment as strings (Compose takes a map or a list of NAME=value) */
    static Map<String, String> environment(String service) {
        Object env = service(service).get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof List<?> entries) {
            entries.forEach(e -> out.put(
                    String.valueOf(e).split("=", 2)[0], String.valueOf(e).split("=", 2)[1]));
        } else {
            map(env).forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    static List<String> command(String service) {
        Object command = service(service).get("command");
        if (command instanceof String s) {
            return Arrays.asList(s.trim().split("\\s+"));
        }
        return list(command).stream().map(String::valueOf).toList();
    }

    /** @return the build target of a service built from docker/Dockerfile, or null for a pulled image */
    static String buildTarget(String service) {
        Object build = service(service).get("build");
        return build == null ? null : String.valueOf(map(build).get("target"));
    }

    static List<String> servicesBuiltAs(String target) {
        return services().keySet().stream()
                .filter(s -> target.equals(buildTarget(s)))
                .toList();
    }

    static List<String> servicesOf(String repository) {
        return services().keySet().stream()
                .filter(s -> String.valueOf(service(s).get("image")).startsWith(repository + ":"))
                .toList();
    }

    /** @return each published port as "published:target" */
    static List<String> ports(String service) {
        List<String> out = new ArrayList<>();
        for (Object p : list(service(service).get("ports"))) {
            out.add(p instanceof Map<?, ?> m ? m.get("published") + ":" + m.get("target") : String.valueOf(p));
        }
        return out;
    }

    /** @return each volume as "source:target" (the mode left out) */
    static List<String> volumes(String service) {
        return list(service(service).get("volumes")).stream()
                .map(String::valueOf)
                .map(v -> String.join(":", Arrays.asList(v.split(":")).subList(0, 2)))
                .toList();
    }

    // ---- the POMs

    static Document pom(String module) {
        try {
            return DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(file(module.isEmpty() ? "pom.xml" : module + "/pom.xml")
                            .toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the pom of '" + module + "'", e);
        }
    }

    /** @return the text of the first node at {@code xpath} (no namespaces: the parser is not namespace aware) */
    static String xpath(Document pom, String xpath) {
        try {
            return XPathFactory.newInstance().newXPath().evaluate(xpath, pom).trim();
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }

    static List<String> xpathAll(Document pom, String xpath) {
        try {
            NodeList nodes =
                    (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, pom, XPathConstants.NODESET);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                out.add(nodes.item(i).getTextContent().trim());
            }
            return out;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }

    static String property(String name) {
        return xpath(pom(""), "/project/properties/" + name);
    }

    static String projectVersion() {
        return xpath(pom(""), "/project/version");
    }

    /** @return module folder by artifact id, for every module of the reactor */
    static Map<String, String> modulesByArtifactId() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String module : xpathAll(pom(""), "/project/modules/module")) {
            out.put(xpath(pom(module), "/project/artifactId"), module);
        }
        return out;
    }

    /** @return {@code modules} and every module they depend on (outside test scope), transitively */
    static Set<String> withDependencies(List<String> modules) {
        Map<String, String> byArtifact = modulesByArtifactId();
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(modules);
        while (!todo.isEmpty()) {
            String module = todo.remove(0);
            if (out.add(module)) {
                xpathAll(
                                pom(module),
                                "/project/dependencies/dependency[groupId='io.tally' and not(scope='test')]/artifactId")
                        .stream()
                        .map(byArtifact::get)
                        .forEach(todo::add);
            }
        }
        return out;
    }

    /**
     * @return what {@code mvn package} leaves in the module's target/: its jar (finalName), the shade plugin's
     *     output files and the dependency plugin's output folder (with a trailing /)
     */
    static Set<String> producedBy(String module) {
        Document pom = pom(module);
        Set<String> out = new LinkedHashSet<>();
        String finalName = xpath(pom, "/project/build/finalName");
        String jar = finalName.isEmpty() ? xpath(pom, "/project/artifactId") + "-" + projectVersion() : finalName;
        out.add(jar + ".jar");
        xpathAll(pom, "//plugin[artifactId='maven-shade-plugin']//outputFile").forEach(f -> out.add(inTarget(f)));
        xpathAll(pom, "//plugin[artifactId='maven-dependency-plugin']//outputDirectory")
                .forEach(d -> out.add(inTarget(d) + "/"));
        return out;
    }

    private static String inTarget(String path) {
        return path.replace("${project.build.directory}/", "");
    }

    // ---- the Dockerfile

    static List<Instruction> dockerfile() {
        List<Instruction> out = new ArrayList<>();
        String stage = null;
        StringBuilder line = new StringBuilder();
        for (String raw : text(DOCKERFILE).split("\n")) {
            String trimmed = raw.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && line.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                line.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            line.append(trimmed);
            String[] parts = line.toString().split("\\s+", 2);
            String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
            String arguments = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                String[] from = arguments.split("\\s+");
                stage = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
            }
            out.add(new Instruction(stage, keyword, arguments));
            line.setLength(0);
        }
        return out;
    }

    // ---- what services are given

    /**
     * @return the settings among the aggregator job's arguments, {@code [PIPELINE] (--KEY VALUE | --KEY=VALUE)...}
     *     after the command's first word (the script), as AggregatorMain reads them
     */
    static Map<String, String> jobSettings(List<String> command) {
        Map<String, String> out = new LinkedHashMap<>();
        int first = command.size() > 1 && !command.get(1).startsWith("-") ? 2 : 1;
        List<String> args = command.subList(first, command.size());
        for (int i = 0; i < args.size(); i++) {
            String key = args.get(i);
            if (!key.startsWith("--")) {
                throw new AssertionError(COMPOSE + ": job argument '" + key + "' is not --KEY VALUE");
            }
            if (key.contains("=")) {
                out.put(key.substring(2, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else {
                out.put(key.substring(2), i + 1 < args.size() ? args.get(++i) : null);
            }
        }
        return out;
    }

    /** @return the text of the docker/ script the Dockerfile installs under the command's name, or null */
    static String installedScript(String name) {
        for (Instruction copy : dockerfile()) {
            List<String> words =
                    copy.words().stream().filter(w -> !w.startsWith("--")).toList();
            if (copy.keyword().equals("COPY")
                    && words.size() == 2
                    && words.get(1).endsWith("/bin/" + name)
                    && !copy.arguments().contains("--from")) {
                return text(words.get(0));
            }
        }
        return null;
    }

    /** @return the Flink settings of a service's FLINK_PROPERTIES (one "key: value" a line) */
    static Map<String, String> flinkProperties(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        String properties = environment(service).getOrDefault("FLINK_PROPERTIES", "");
        for (String line : properties.split("\n")) {
            if (line.contains(":")) {
                out.put(
                        line.substring(0, line.indexOf(':')).trim(),
                        line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return out;
    }

    /** @return the {@code tally.*} lines of the properties blocks of docker/README.md: the agents' settings */
    static Map<String, String> readmeAgentSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(tally\\.[a-z.]+)=(\\S+)$").matcher(text("docker/README.md"));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
