package io.tally.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Kafka Connect worker in distributed mode, as users run it: {@code ConnectDistributed} in a JVM of its own, on the
 * worker's jars ({@code connect-dist}) and the agent jar beside them, the agent attached by the worker's
 * {@code producer.}/{@code consumer.} settings only. The test kills or stops it as machines and operators do.
 */
final class ConnectWorker implements AutoCloseable {
    /** The worker's jars, copied by the {@code connect-dist} module. */
    static final Path LIB = Path.of("connect-dist", "target", "lib").toAbsolutePath();

    static final Path AGENT = Path.of("..", "audit-agent", "target", "tally-agent.jar")
            .toAbsolutePath()
            .normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ChildJvm jvm;
    final URI rest;

    private ConnectWorker(ChildJvm jvm, URI rest) {
        this.jvm = jvm;
        this.rest = rest;
    }

    /**
     * Starts a worker and waits until its REST interface answers.
     *
     * @param settings the worker's configuration (the cluster, group, storage topics, the agent's settings)
     * @param restPort the port of its REST interface
     * @param log      where its output goes
     */
    static ConnectWorker start(Map<String, String> settings, int restPort, Path log) throws Exception {
        Map<String, String> all = new TreeMap<>(settings);
        all.put("listeners", "http://127.0.0.1:" + restPort);
        Path properties = log.resolveSibling(log.getFileName() + ".properties");
        Files.createDirectories(log.getParent());
        Files.writeString(
                properties,
                all.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n", "", "\n")));
        Path log4j = log.resolveSibling("log4j2.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "appender.out.type=Console",
                        "appender.out.name=out",
                        "appender.out.layout.type=PatternLayout",
                        "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %p %c{1} %m%n",
                        "rootLogger.level=INFO",
                        "rootLogger.appenderRef.out.ref=out",
                        "logger.clients.name=org.apache.kafka.clients",
                        "logger.clients.level=WARN",
                        "logger.tally.name=io.tally",
                        "logger.tally.level=INFO",
                        ""));
        ChildJvm jvm = ChildJvm.start(
                classPath(),
                List.of("-Dlog4j2.configurationFile=" + log4j.toUri()),
                "org.apache.kafka.connect.cli.ConnectDistributed",
                log,
                properties.toString());
        ConnectWorker worker = new ConnectWorker(jvm, URI.create("http://127.0.0.1:" + restPort));
        worker.awaitRest(Duration.ofSeconds(90));
        return worker;
    }

    /** The worker's jars and the agent jar: nothing of Tally's build besides, as on a user's worker. */
    private static String classPath() throws IOException {
        try (Stream<Path> jars = Files.list(LIB)) {
            return Stream.concat(jars.map(Path::toString), Stream.of(AGENT.toString()))
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        }
    }

    private void awaitRest(Duration timeout) throws Exception {
        boolean answered = Eventually.await(
                timeout,
                Duration.ofMillis(500),
                "the Connect worker's REST interface; see " + jvm.log(),
                () -> {
                    if (!jvm.alive()) {
                        return false;
                    }
                    return HTTP.send(
                                            HttpRequest.newBuilder(rest.resolve("/connectors"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200; // an IOException while it is not listening yet counts as not yet
                },
                ok -> ok || !jvm.alive());
        if (!answered) {
            throw new AssertionError("the Connect worker ended before its REST interface answered; see " + jvm.log());
        }
    }

    /** Creates connector {@code name} through this worker (the cluster forwards it to its leader). */
    void create(String name, Map<String, String> config) throws Exception {
        String body = JSON.writeValueAsString(Map.of("name", name, "config", config));
        send(HttpRequest.newBuilder(rest.resolve("/connectors"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** Pauses connector {@code name}: its tasks stop processing, their consumers keep their positions. */
    void pause(String name) throws Exception {
        send(HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/pause"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** Resumes connector {@code name}. */
    void resume(String name) throws Exception {
        send(HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/resume"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** Waits until connector {@code name} has {@code tasks} tasks, each in {@code state}. */
    void awaitTasks(String name, int tasks, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(rest.resolve("/connectors/" + name + "/status"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            last = r.body();
            if (r.statusCode() == 200) {
                JsonNode status = JSON.readTree(r.body());
                long inState = 0;
                for (JsonNode t : status.get("tasks")) {
                    inState += t.get("state").asText().equals(state) ? 1 : 0;
                }
                if (status.get("tasks").size() == tasks && inState == tasks) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " did not have " + tasks + " tasks " + state + " in 90 s: " + last);
    }

    private void send(HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new AssertionError(request.method() + " " + request.uri() + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** SIGTERM: the worker stops its tasks (a sink commits its offsets, a source its positions) and leaves. */
    void stop() throws InterruptedException {
        jvm.stop();
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
