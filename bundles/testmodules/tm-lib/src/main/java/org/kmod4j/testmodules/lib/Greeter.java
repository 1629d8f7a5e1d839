package org.kmod4j.testmodules.lib;

import org.osgi.annotation.bundle.Header;

/** A library module: no init, only an exported package. */
@Header(name = "Module-Name", value = Greeter.NAME)
@Header(name = "Module-Description", value = "kmod4j integration-test library module (exports a package)")
@Header(name = "Module-License", value = "Apache-2.0")
public final class Greeter {
    public static final String NAME = "tm_lib";

    private Greeter() {
    }

    public static String greet(String who) {
        return "hello " + who + " from " + NAME;
    }
}
