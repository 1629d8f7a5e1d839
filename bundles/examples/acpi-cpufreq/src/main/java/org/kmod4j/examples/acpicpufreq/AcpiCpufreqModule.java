package org.kmod4j.examples.acpicpufreq;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.examples.cpufreq.CpufreqCore;
import org.osgi.annotation.bundle.Header;

/**
 * The acpi-cpufreq cpufreq driver: registers itself with the cpufreq core in init and unregisters in
 * exit. Importing the core's package makes this module a holder of cpufreq.
 */
@Header(name = "Module-Name", value = "acpi_cpufreq")
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "ACPI Processor P-States Driver")
@Header(name = "Module-Author", value = "The kmod4j authors")
@Header(name = "Module-License", value = "GPL")
public final class AcpiCpufreqModule implements ModuleInit {

    static final String DRIVER = "acpi-cpufreq";

    @Override
    public void init(ModuleContext context) {
        CpufreqCore.registerDriver(DRIVER);
        context.log("registered cpufreq driver " + DRIVER);
    }

    @Override
    public void exit(ModuleContext context) {
        CpufreqCore.unregisterDriver(DRIVER);
        context.log("unregistered cpufreq driver " + DRIVER);
    }
}
