package org.kmod4j.testmodules.callbacks;

/**
 * Appends lifecycle events to the system property {@code kmod4j.itest.<module>} (comma separated),
 * so an integration test in the same JVM can see what ran, in which order, even after the
 * module is gone.
 */
final class Trace {
    private Trace() {
    }

    static void record(String module, String event) {
        String key = "kmod4j.itest." + module;
        synchronized (System.getProperties()) {
            String old = System.getProperty(key);
            System.setProperty(key, old == null || old.isEmpty() ? event : old + "," + event);
        }
    }
}
