package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.kmod4j.paxexam.KmodTestSupport;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.UnloadOptions;
import org.ops4j.pax.exam.Option;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * kmod4j-log-bridge with Apache Felix Log (an R7 Log Service): the container's events reach
 * a standard {@link LogReaderService} listener on the logger {@code org.kmod4j}.
 */
public class LogBridgeIT extends KmodTestSupport {


    @Inject
    private LogReaderService reader;

    @Override
    protected Option[] options() {
        return new Option[] {bundle(KmodOptions.jar("felix.log").toUri().toString()),
                bundle(KmodOptions.jar("log-bridge").toUri().toString()),
                // R7 (LoggerAdmin.LOG_LEVEL): the root logger context logs WARN and above unless told otherwise
                frameworkProperty("org.osgi.service.log.admin.loglevel").value(LogLevel.INFO.name())};
    }


    @Test
    public void loadsAndUnloadsReachTheOsgiLog() throws Exception {
        BlockingQueue<LogEntry> got = new LinkedBlockingQueue<>();
        LogListener listener = entry -> {
            if ("org.kmod4j".equals(entry.getLoggerName())) {
                got.add(entry);
            }
        };
        reader.addLogListener(listener);
        try {
            container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
            LogEntry loaded = next(got, "tm_good: loaded");
            assertEquals(LogLevel.INFO, loaded.getLogLevel());
            container.unload("tm_good", UnloadOptions.defaults());
            next(got, "tm_good: unloaded");
        } finally {
            reader.removeLogListener(listener);
        }
    }

    /** The next entry whose message ends with {@code text}, skipping others; bounded. */
    private static LogEntry next(BlockingQueue<LogEntry> got, String text) throws InterruptedException {
        for (;;) {
            LogEntry e = got.poll(10, TimeUnit.SECONDS);
            assertNotNull("no log entry '" + text + "' within 10 s", e);
            if (e.getMessage().endsWith(text)) {
                return e;
            }
        }
    }
}
