package io.tally.standalone.cluster;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another main class in a JVM that ends with the process that started it: {@code ParentWatch PID MAIN ARGS...}.
 * A cluster's JobManager and TaskManagers are started so, and a SIGKILLed parent leaves none of them behind.
 */
public final class ParentWatch {
    private ParentWatch() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ParentWatch PARENT_PID MAIN_CLASS [ARGS...]");
        }
        ProcessHandle parent = ProcessHandle.of(Long.parseLong(args[0]))
                .orElseThrow(() -> new IllegalStateException("no process " + args[0] + " to watch"));
        Thread watch = new Thread(
                () -> {
                    parent.onExit().join();
                    Runtime.getRuntime().halt(143); // the parent is gone: no one will stop this JVM cleanly
                },
                "tally-parent-watch");
        watch.setDaemon(true);
        watch.start();
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
}
