package org.kmod4j.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the container's events (whiteboard: register an instance as an OSGi service, or use
 * {@link ModuleContainer#follow(long, ModuleEventListener)}). Each listener gets every event once,
 * in sequence order, on a thread of its own, never with a container lock held; a slow listener
 * delays only itself. A listener that falls more than the ring's size behind skips to the oldest
 * event still held (the sequence numbers show the gap).
 */
@ConsumerType
@FunctionalInterface
public interface ModuleEventListener {

    /**
     * Service property (a Long or a decimal String): replay the events still held from this
     * sequence number before the new ones. Absent: only events after the registration.
     */
    String REPLAY_FROM = "kmod4j.event.replay.from";

    /** Called once per event; what it throws is reported and ignored. */
    void event(ModuleEvent event);
}
