package org.kmod4j.logbridge;

import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEventListener;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Writes container events to the R7 logger {@value #LOGGER} at the level matching their printk
 * level (ERR error, WARNING warn, NOTICE and INFO info, DEBUG debug), the dmesg line as message.
 */
final class LogBridge implements ModuleEventListener {

    static final String LOGGER = "org.kmod4j";

    private volatile Logger logger;
    private volatile long next;

    void attach(LoggerFactory factory) {
        logger = factory.getLogger(LOGGER);
    }

    void detach() {
        logger = null;
    }

    /** The sequence number after the last event written (0 before any). */
    long nextSequence() {
        return next;
    }

    @Override
    public void event(ModuleEvent event) {
        Logger l = logger;
        if (l == null) {
            return;
        }
        String line = event.dmesgLine();
        switch (event.level()) {
            case ERR:
                l.error(line);
                break;
            case WARNING:
                l.warn(line);
                break;
            case DEBUG:
                l.debug(line);
                break;
            default:
                l.info(line);
        }
        next = event.sequence() + 1;
    }
}
