package org.kmod4j.testmodules.mp.d;

/**
 * Appends events to the system property {@code kmod4j.itest.mp} (comma separated), shared by all
 * modprobe test modules so a test sees the order in which modules were initialised; counts
 * inits in {@code kmod4j.itest.<module>.inits}.
 */
final class Trace {
    private Trace() {
    }

    static void record(String event) {
        synchronized (System.getProperties()) {
            String old = System.getProperty("kmod4j.itest.mp");
            System.setProperty("kmod4j.itest.mp", old == null || old.isEmpty() ? event : old + "," + event);
        }
    }

    static void count(String module) {
        String key = "kmod4j.itest." + module + ".inits";
        synchronized (System.getProperties()) {
            System.setProperty(key, Integer.toString(Integer.parseInt(System.getProperty(key, "0")) + 1));
        }
    }
}
