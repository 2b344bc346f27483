package io.tally.agent.internal;

import org.slf4j.LoggerFactory;

/** The catch-all of every interceptor callback: count the failure, log it (rate-limited), never rethrow. */
public final class Callbacks {
    private final AgentRuntime runtime;
    private final RateLimitedLog log;

    public Callbacks(AgentRuntime runtime, Class<?> owner) {
        this.runtime = runtime;
        this.log = new RateLimitedLog(LoggerFactory.getLogger(owner));
    }

    public void failed(String callback, Throwable error) {
        if (runtime != null) {
            runtime.callbackError();
        }
        log.warn(
                "Tally agent: " + callback + " failed; the client is not affected, this message is not audited", error);
    }
}
