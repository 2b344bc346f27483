package io.tally.agent.internal;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The audit topic, written by a Kafka producer whose classes are a second copy of the host's kafka-clients, loaded
 * by a class loader of the agent's own.
 *
 * <p>Why: a producer sending from the host's copy of the classes runs its own paths (another codec, keyed records,
 * acks=all, idempotence) through the methods the JIT compiled for the host's producer alone, and slows the host
 * down — measured with Kafka's producer performance tool on one core: 0.80 of the host's rate with the agent's
 * producer on the shared classes, about 1.0 of the header-stamping control with it isolated (BENCHMARKS.md). The
 * price is the metaspace of a second copy of the client classes the producer uses.
 *
 * <p>Logging and the compression libraries stay the host's: the loader asks the host's loader for them, and the JDK
 * for everything else. {@link #create} returns empty when kafka-clients is not a plain jar or directory, or a setting
 * is of a type that cannot cross to the other copy; the caller then uses a {@link KafkaAuditSink}.
 */
final class IsolatedAuditSink implements AuditSink {
    private static final String[] SHARED_PACKAGES = {"org.slf4j.", "net.jpountz.", "org.xerial.snappy.",
        "com.github.luben.zstd."};

    private final URLClassLoader loader;
    private final Object producer;
    private final Constructor<?> recordConstructor;
    private final Method send;
    private final Method close;
    private final Class<?> callbackType;
    private final String topic;

    private IsolatedAuditSink(URLClassLoader loader, Map<String, Object> settings, String topic) throws Exception {
        this.loader = loader;
        this.topic = topic;
        Class<?> producerType = loader.loadClass(KafkaProducer.class.getName());
        Class<?> recordType = loader.loadClass("org.apache.kafka.clients.producer.ProducerRecord");
        Class<?> serializerType = loader.loadClass("org.apache.kafka.common.serialization.Serializer");
        callbackType = loader.loadClass("org.apache.kafka.clients.producer.Callback");
        Object serializer = loader.loadClass("org.apache.kafka.common.serialization.ByteArraySerializer")
                .getConstructor().newInstance();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // Kafka resolves configured class names through it
        try {
            producer = producerType.getConstructor(Map.class, serializerType, serializerType)
                    .newInstance(settings, serializer, serializer);
        } finally {
            thread.setContextClassLoader(previous);
        }
        recordConstructor = recordType.getConstructor(String.class, Object.class, Object.class);
        send = producerType.getMethod("send", recordType, callbackType);
        close = producerType.getMethod("close", Duration.class);
    }

    /**
     * @param settings the producer's settings, as for {@link KafkaAuditSink}
     * @return the sink, or empty when the host's kafka-clients cannot be loaded a second time or the producer
     *         cannot be built from {@code settings}
     */
    static Optional<AuditSink> create(String topic, Map<String, Object> settings) {
        Optional<URL> location = clientsLocation();
        Optional<Map<String, Object>> portable = portable(settings);
        if (location.isEmpty() || portable.isEmpty()) {
            return Optional.empty();
        }
        URLClassLoader loader = new URLClassLoader("tally-agent-kafka", new URL[] {location.get()},
                new HostDelegating(KafkaProducer.class.getClassLoader()));
        try {
            return Optional.of(new IsolatedAuditSink(loader, portable.get(), topic));
        } catch (Exception | LinkageError e) {
            // settings the client refuses included: the shared classes refuse them again, with the host's types
            close(loader);
            return Optional.empty();
        }
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** @return the class loader of the producer's classes (not the host's) */
    ClassLoader producerLoader() {
        return producer.getClass().getClassLoader();
    }

    @Override
    public void send(String key, byte[] value, Consumer<Exception> onComplete) {
        Object callback = Proxy.newProxyInstance(loader, new Class<?>[] {callbackType}, (proxy, method, args) -> {
            if (method.getName().equals("onCompletion")) {
                onComplete.accept((Exception) args[1]);
                return null;
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "tally-audit-callback";
                default -> null;
            };
        });
        callProducer(() -> send.invoke(producer,
                recordConstructor.newInstance(topic, key.getBytes(StandardCharsets.UTF_8), value), callback));
    }

    @Override
    public void close(Duration timeout) {
        try {
            callProducer(() -> close.invoke(producer, timeout));
        } finally {
            close(loader);
        }
    }

    /** Runs a reflective call on the producer, rethrowing what the producer threw as itself. */
    private static void callProducer(ReflectiveCall call) {
        try {
            call.run();
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface ReflectiveCall {
        void run() throws ReflectiveOperationException;
    }

    private static Optional<URL> clientsLocation() {
        CodeSource source = KafkaProducer.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
            return Optional.empty(); // for instance nested in a fat jar
        }
        return Optional.of(source.getLocation());
    }

    /** @return the settings with values the other copy understands (strings for classes and passwords), or empty */
    private static Optional<Map<String, Object>> portable(Map<String, Object> settings) {
        Map<String, Object> portable = new HashMap<>();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            Object value = portableValue(e.getValue());
            if (value == null && e.getValue() != null) {
                return Optional.empty();
            }
            portable.put(e.getKey(), value);
        }
        return Optional.of(portable);
    }

    private static Object portableValue(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        } else if (value instanceof Class<?> type) {
            return type.getName();
        } else if (value instanceof Password password) {
            return password.value();
        } else if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            for (Object element : list) {
                Object portable = portableValue(element);
                if (portable == null) {
                    return null;
                }
                copy.add(portable);
            }
            return copy;
        }
        return null; // an object of the host's classes: it cannot cross
    }

    /** Parent of the agent's loader: the host's loader for logging and compression libraries, the JDK otherwise. */
    private static final class HostDelegating extends ClassLoader {
        private final ClassLoader host;

        HostDelegating(ClassLoader host) {
            super("tally-agent-kafka-parent", ClassLoader.getPlatformClassLoader());
            this.host = host;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String shared : SHARED_PACKAGES) {
                if (name.startsWith(shared)) {
                    return host.loadClass(name);
                }
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            for (String shared : SHARED_PACKAGES) {
                if (name.startsWith(shared.replace('.', '/'))) {
                    return host.getResource(name);
                }
            }
            return super.getResource(name);
        }
    }
}
