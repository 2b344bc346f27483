package io.tally.standalone.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink session cluster on this machine, each process a JVM of its own as on real hosts: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), started from this
 * process's class path with a configuration folder each under {@code dir}, checkpoints on a folder they share, and
 * logs in {@code dir/logs}. Jobs are submitted as a job jar through the REST API ({@link #submit}), as
 * {@code flink run} does. Failures are found within seconds (heartbeats every second), so a job restores on the
 * TaskManagers left soon after one dies. Every process ends with this one ({@link ParentWatch}). Not thread-safe.
 */
public final class FlinkSessionCluster implements AutoCloseable {
    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String LOG4J = String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = File",
            "appender.file.name = File",
            "appender.file.type = File",
            "appender.file.fileName = ${sys:log.file}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1.} [%t] %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "");

    private final Path dir;
    private final int slots;
    private final int rpcPort = freePort();
    private final int restPort = freePort();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();

    /**
     * @param dir              the cluster's folder: configuration, checkpoints and logs of every process
     * @param taskManagers     how many TaskManagers
     * @param slotsPerManager  task slots of each
     */
    public FlinkSessionCluster(Path dir, int taskManagers, int slotsPerManager) {
        if (taskManagers < 1 || slotsPerManager < 1) {
            throw new IllegalArgumentException(
                    "a cluster needs a TaskManager and a slot, was " + taskManagers + " x " + slotsPerManager);
        }
        this.dir = dir.toAbsolutePath();
        this.slots = slotsPerManager;
        for (int i = 0; i < taskManagers; i++) {
            this.taskManagers.add(null);
        }
    }

    /**
     * Starts the JobManager and every TaskManager, and waits until all TaskManagers have registered.
     *
     * @throws IllegalStateException naming the log to read, if a process ends or the cluster is not up in time
     */
    public FlinkSessionCluster start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("checkpoints"));
        Path jm = configure("jobmanager", jobManagerSettings());
        jobManager = launch("jobmanager", jm, List.of("-Xms512m", "-Xmx512m"), JOB_MANAGER, List.of());
        for (int i = 0; i < taskManagers.size(); i++) {
            startTaskManager(i);
        }
        awaitTaskManagers(taskManagers.size(), timeout);
        return this;
    }

    /** @return the base URL of the REST API (and the web UI, where present) */
    public URI restUrl() {
        return URI.create("http://127.0.0.1:" + restPort);
    }

    /** @return the folder the jobs' checkpoints go to, which every process shares */
    public URI checkpoints() {
        return dir.resolve("checkpoints").toUri();
    }

    /**
     * Submits the job that {@code jobJar}'s main class builds from {@code args}, with the jar, through the REST API:
     * the main runs in this process until it executes its job, whose graph goes to the cluster, as with
     * {@code flink run}.
     *
     * @return the job's id
     */
    public JobID submit(Path jobJar, List<String> args, int parallelism) throws Exception {
        if (!Files.isReadable(jobJar)) {
            throw new IllegalArgumentException("no job jar at " + jobJar.toAbsolutePath());
        }
        Configuration client = client();
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jobJar.toFile())
                .setConfiguration(client)
                .setArguments(args.toArray(String[]::new))
                .build();
        try {
            JobGraph graph = PackagedProgramUtils.createJobGraph(program, client, parallelism, false);
            try (RestClusterClient<StandaloneClusterId> rest = rest()) {
                return rest.submitJob(graph).get(60, TimeUnit.SECONDS);
            }
        } finally {
            program.close();
        }
    }

    /**
     * Waits until the job and every one of its tasks run.
     *
     * @return how long that took
     * @throws IllegalStateException if the job ends, or does not run within {@code timeout}
     */
    public Duration awaitRunning(JobID job, Duration timeout) throws Exception {
        long start = System.nanoTime();
        try (RestClusterClient<StandaloneClusterId> rest = rest()) {
            while (System.nanoTime() - start < timeout.toNanos()) {
                try {
                    JobDetailsInfo details = rest.getJobDetails(job).get(5, TimeUnit.SECONDS);
                    if (details.getJobStatus().isGloballyTerminalState()) {
                        throw new IllegalStateException(
                                "job " + job + " is " + details.getJobStatus() + "; see " + dir.resolve("logs"));
                    }
                    if (details.getJobStatus() == JobStatus.RUNNING
                            && !details.getJobVertexInfos().isEmpty()
                            && details.getJobVertexInfos().stream()
                                    .allMatch(v -> v.getExecutionState() == ExecutionState.RUNNING)) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not known yet, or the JobManager busy
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(
                "job " + job + " not running after " + timeout + "; see " + dir.resolve("logs"));
    }

    /**
     * Waits until the job has restarted after {@code sinceMs} (epoch ms; Flink marks it RESTARTING once it finds a
     * task lost) and runs again, every task.
     *
     * @return how long after {@code sinceMs} it ran again
     * @throws IllegalStateException if the job ends, or has not run again within {@code timeout}
     */
    public Duration awaitRecovered(JobID job, long sinceMs, Duration timeout) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < timeout.toNanos()) {
            JsonNode state = get("/jobs/" + job);
            if (state.path("timestamps").path("RESTARTING").asLong() >= sinceMs) {
                awaitRunning(job, timeout.minusNanos(System.nanoTime() - start));
                return Duration.ofMillis(System.currentTimeMillis() - sinceMs);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                "job " + job + " did not restart after " + timeout + "; see " + dir.resolve("logs"));
    }

    /** SIGKILLs TaskManager {@code i}, as a host that dies; waits until the process is gone. */
    public void killTaskManager(int i) throws InterruptedException {
        Process p = taskManagers.get(i);
        p.destroyForcibly();
        p.waitFor();
    }

    /** Starts TaskManager {@code i} (again), without waiting for it to register. */
    public void startTaskManager(int i) throws IOException {
        String name = "taskmanager-" + i;
        Map<String, String> settings = taskManagerSettings(name);
        Path config = configure(name, settings);
        // what Flink's start script computes: the JVM's memory options, and every memory size resolved, which a
        // TaskManagerRunner started directly needs as dynamic properties
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(
                GlobalConfiguration.loadConfiguration(config.toString()));
        List<String> jvm = words(ProcessMemoryUtils.generateJvmParametersStr(spec));
        List<String> dynamic = words(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
        taskManagers.set(i, launch(name, config, jvm, TASK_MANAGER, dynamic));
    }

    /** @return how many TaskManagers the JobManager has registered, and their free slots, once it answers */
    private JsonNode overview() throws IOException, InterruptedException {
        return get("/overview");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(restUrl().resolve(path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private void awaitTaskManagers(int count, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        JsonNode last = null;
        while (System.nanoTime() - start < timeout.toNanos()) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager ended (exit " + jobManager.exitValue() + "); see "
                        + dir.resolve("logs/jobmanager.log"));
            }
            try {
                last = overview();
                if (last.path("taskmanagers").asInt() >= count) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Flink cluster has not " + count + " TaskManagers after " + timeout + " ("
                + last + "); see " + dir.resolve("logs"));
    }

    private Configuration client() {
        Configuration c = new Configuration();
        c.set(RestOptions.ADDRESS, "127.0.0.1");
        c.set(RestOptions.PORT, restPort);
        // this process holds Flink's Kafka connector (loaded parent-first, as org.apache.flink.*) and kafka-clients:
        // the job jar's own copy of the latter would not fit the former while the job's main builds its graph
        c.set(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL, List.of("org.apache.kafka."));
        return c;
    }

    /**
     * @return this process's class path (a jar's manifest {@code Class-Path} spelled out) without what a job jar
     *     brings itself: the Kafka connector and client. A Flink distribution holds neither; with them, the
     *     connector would load from here, parent-first, and the client from the job, and not fit
     */
    static String clusterClassPath() {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            List<String> listed = entry.endsWith(".jar") ? manifestClassPath(Path.of(entry)) : List.of();
            // a jar that lists others in its manifest would bring them all back: its list stands for it
            out.addAll(listed.isEmpty() ? List.of(entry) : listed);
        }
        out.removeIf(e -> {
            String name = Path.of(e).getFileName().toString();
            return name.startsWith("kafka-clients-") || name.startsWith("flink-connector-kafka-");
        });
        return String.join(File.pathSeparator, out);
    }

    private static List<String> manifestClassPath(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            String classPath = manifest == null
                    ? null
                    : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
            if (classPath == null || classPath.isBlank()) {
                return List.of();
            }
            URI base = jar.toAbsolutePath().getParent().toUri();
            return Arrays.stream(classPath.trim().split("\\s+"))
                    .map(e -> Path.of(base.resolve(e)).normalize().toString())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private RestClusterClient<StandaloneClusterId> rest() throws Exception {
        return new RestClusterClient<>(client(), StandaloneClusterId.getInstance());
    }

    /** What the JobManager and the TaskManagers must agree on. */
    private Map<String, String> common() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        c.put("high-availability.type", "NONE");
        // a dead TaskManager is known after two missed heartbeats, about 2 s, not 50 s (Flink's default): the job
        // restarts into its slots until then, each time in vain
        c.put("heartbeat.interval", "1000ms");
        c.put("heartbeat.timeout", "5000ms");
        c.put("state.backend.type", "hashmap");
        c.put("execution.checkpointing.dir", checkpoints().toString());
        c.put(
                "execution.checkpointing.savepoint-dir",
                dir.resolve("savepoints").toUri().toString());
        return c;
    }

    private Map<String, String> jobManagerSettings() {
        Map<String, String> c = common();
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(restPort));
        c.put("taskmanager.load-balance.mode", "SLOTS"); // a job's tasks spread over every TaskManager
        c.put("blob.server.port", "0");
        c.put("web.refresh-interval", "200ms"); // job states as the REST API shows them, 3 s late by default
        c.put("io.tmp.dirs", dir.resolve("jobmanager/tmp").toString());
        return c;
    }

    private Map<String, String> taskManagerSettings(String name) {
        Map<String, String> c = common();
        c.put("taskmanager.resource-id", name);
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        // 1 GiB a process: the defaults leave too little heap under Java 17's metaspace and overhead minimums
        c.put("taskmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.jvm-metaspace.size", "160m");
        c.put("taskmanager.memory.jvm-overhead.min", "96m");
        c.put("taskmanager.memory.jvm-overhead.max", "96m");
        c.put("taskmanager.memory.framework.heap.size", "64m");
        c.put("taskmanager.memory.framework.off-heap.size", "64m");
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("taskmanager.memory.network.min", "32m");
        c.put("taskmanager.memory.network.max", "32m");
        c.put("io.tmp.dirs", dir.resolve(name + "/tmp").toString());
        return c;
    }

    /** Writes {@code name}'s configuration folder: {@code config.yaml} (flat keys) and its logging. */
    private Path configure(String name, Map<String, String> settings) throws IOException {
        Path config = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(config.resolve("tmp"));
        StringBuilder yaml = new StringBuilder("# Written by Tally at every start; edits are overwritten.\n");
        settings.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(config.resolve("config.yaml"), yaml);
        Files.writeString(config.resolve("log4j2.properties"), LOG4J);
        return config;
    }

    private Process launch(String name, Path config, List<String> jvm, String main, List<String> extra)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.add("-Dlog.file=" + dir.resolve("logs/" + name + ".log"));
        command.add("-Dlog4j.configurationFile=" + config.resolve("log4j2.properties"));
        command.addAll(List.of("-cp", launcher() + File.pathSeparator + clusterClassPath()));
        command.addAll(List.of(
                ParentWatch.class.getName(),
                String.valueOf(ProcessHandle.current().pid()),
                main));
        command.addAll(List.of("--configDir", config.toString()));
        command.addAll(extra);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/" + name + ".out").toFile())
                .start();
    }

    /**
     * @return a folder holding {@link ParentWatch} alone, for the class path of the cluster's processes (this
     *     process's own jar is not on it)
     */
    private String launcher() throws IOException {
        Class<?> main = ParentWatch.class;
        Path target = dir.resolve("launcher").resolve(main.getName().replace('.', '/') + ".class");
        Files.createDirectories(target.getParent());
        try (java.io.InputStream in = main.getResourceAsStream(main.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("the class " + main.getName() + " is not readable as a resource");
            }
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return dir.resolve("launcher").toString();
    }

    /** Stops every process (SIGTERM, then SIGKILL after 15 s); the folder stays. */
    @Override
    public void close() throws InterruptedException {
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        all.removeIf(p -> p == null);
        all.forEach(Process::destroy);
        for (Process p : all) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
