package org.kmod4j.testmodules.ds;

import java.util.function.Supplier;

import org.osgi.annotation.bundle.Header;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * A Declarative Services component: no activator, no Module-Init. bnd writes its descriptor and
 * the {@code osgi.extender=osgi.component} requirement that wires the bundle to Felix SCR.
 */
@Header(name = "Module-Name", value = "tm_ds")
@Component(service = Supplier.class, property = "kmod4j.testmodule=tm_ds")
public final class DsGreeting implements Supplier<String> {

    @Activate
    void activate() {
        System.setProperty("kmod4j.itest.tm_ds", System.getProperty("kmod4j.itest.tm_ds", "") + "activate;");
    }

    @Deactivate
    void deactivate() {
        System.setProperty("kmod4j.itest.tm_ds", System.getProperty("kmod4j.itest.tm_ds", "") + "deactivate;");
    }

    @Override
    public String get() {
        return "hello from a DS component";
    }
}
