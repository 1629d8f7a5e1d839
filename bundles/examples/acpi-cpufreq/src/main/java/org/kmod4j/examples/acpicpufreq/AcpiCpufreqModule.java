package org.kmod4j.examples.acpicpufreq;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.examples.cpufreq.CpufreqCore;

/**
 * The acpi-cpufreq cpufreq driver, one half of an <em>exclusive driver pair</em> and the example of
 * a <em>module that holds another</em>: it registers itself with the {@code cpufreq} core in init
 * and unregisters in exit. It imports the core's package ({@link CpufreqCore}), so loading it makes
 * it a holder of {@code cpufreq} (lsmod's "Used by"): {@code rmmod cpufreq} is refused until
 * {@code acpi_cpufreq} is gone. {@code pcc_cpufreq} is the other driver; only one can be loaded.
 *
 * <p>Try it in the shell:
 * <pre>
 * g! insmod cpufreq.jar; insmod acpi-cpufreq.jar
 * g! lsmod | grep cpufreq          # cpufreq ... 1 acpi_cpufreq
 * g! rmmod cpufreq                 # ERROR: Module cpufreq is in use by: acpi_cpufreq
 * g! insmod pcc-cpufreq.jar        # ERROR: ... No such device (init failed: ... already registered)
 * g! rmmod acpi_cpufreq cpufreq
 * </pre>
 */
@ModuleName("acpi_cpufreq")
@ModuleDescription("ACPI Processor P-States Driver")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
@ModuleInitializer
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
