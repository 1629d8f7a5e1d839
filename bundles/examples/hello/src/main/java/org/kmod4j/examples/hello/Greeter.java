package org.kmod4j.examples.hello;

/** The service the hello module registers while it is loaded. */
@FunctionalInterface
public interface Greeter {

    /** The module's greeting addressed to {@code name}. */
    String greet(String name);
}
