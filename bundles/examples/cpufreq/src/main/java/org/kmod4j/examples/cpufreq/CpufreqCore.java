package org.kmod4j.examples.cpufreq;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;

/**
 * The cpufreq driver slot, the core of the <em>exclusive driver pair</em> example. Like Linux, only
 * one cpufreq driver can be registered; a second one is refused with ENODEV (what acpi-cpufreq's
 * init returns when a driver already exists), so loading acpi_cpufreq and pcc_cpufreq together
 * fails the second load.
 *
 * <p>The module has no {@code ModuleInit} (a library module, like a Linux module without
 * {@code module_init}): it only exports this package. The annotations below generate its headers.
 *
 * <p>Try it in the shell: {@code insmod cpufreq.jar; insmod acpi-cpufreq.jar; lsmod} shows
 * {@code cpufreq ... 1 acpi_cpufreq}; see {@code AcpiCpufreqModule} for the rest.
 */
@ModuleName("cpufreq")
@ModuleDescription("CPU frequency scaling core: a registry for one cpufreq driver")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
public final class CpufreqCore {

    private static String driver;

    private CpufreqCore() {
    }

    /** Registers the driver; fails with ENODEV while another driver is registered. */
    public static synchronized void registerDriver(String name) {
        if (driver != null) {
            throw new ModuleException(Errno.ENODEV, "cpufreq driver " + driver + " already registered");
        }
        driver = name;
    }

    /** Unregisters the driver; fails with EINVAL if it is not the registered one. */
    public static synchronized void unregisterDriver(String name) {
        if (driver == null || !driver.equals(name)) {
            throw new ModuleException(Errno.EINVAL, "cpufreq driver " + name + " is not registered");
        }
        driver = null;
    }

    /** The registered driver's name, or null. */
    public static synchronized String currentDriver() {
        return driver;
    }
}
