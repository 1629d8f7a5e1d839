package org.kmod4j.examples.pcccpufreq;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.examples.cpufreq.CpufreqCore;

/**
 * The pcc-cpufreq cpufreq driver, the other half of the exclusive driver pair with
 * {@code acpi_cpufreq}: it registers itself with the {@code cpufreq} core in init and unregisters in
 * exit, and holds {@code cpufreq} while loaded (it imports {@link CpufreqCore}'s package). While
 * another driver is registered its init fails with ENODEV, and the failed load leaves no trace.
 *
 * <p>Try it in the shell:
 * <pre>
 * g! insmod cpufreq.jar; insmod acpi-cpufreq.jar
 * g! insmod pcc-cpufreq.jar        # ERROR: ... No such device (init failed: ... already registered)
 * g! rmmod acpi_cpufreq; insmod pcc-cpufreq.jar; lsmod
 * </pre>
 */
@ModuleName("pcc_cpufreq")
@ModuleDescription("PCC cpufreq driver")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
@ModuleInitializer
public final class PccCpufreqModule implements ModuleInit {

    static final String DRIVER = "pcc-cpufreq";

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
