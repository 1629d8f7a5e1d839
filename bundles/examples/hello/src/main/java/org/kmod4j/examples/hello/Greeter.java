package org.kmod4j.examples.hello;

import java.util.function.Function;

/**
 * The service the hello module registers while it is loaded.
 *
 * <p>It is also a {@code Function<String, String>} (a JDK type every bundle sees), registered
 * under both names, so a client can call it without importing this package: a module that
 * imports it becomes a holder of {@code hello}, and {@code rmmod hello} is then refused while that
 * module is loaded. The {@code greeter_client} example calls it this way, through
 * {@code ModuleContext.service(Function.class, "(objectClass=...Greeter)")}.
 */
@FunctionalInterface
public interface Greeter extends Function<String, String> {

    /** The module's greeting addressed to {@code name}. */
    String greet(String name);

    /** Same as {@link #greet(String)}. */
    @Override
    default String apply(String name) {
        return greet(name);
    }
}
