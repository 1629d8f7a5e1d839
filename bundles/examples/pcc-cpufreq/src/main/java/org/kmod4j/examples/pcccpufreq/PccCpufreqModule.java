package org.kmod4j.examples.pcccpufreq;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.examples.cpufreq.CpufreqCore;
import org.osgi.annotation.bundle.Header;

/**
 * The pcc-cpufreq cpufreq driver: registers itself with the cpufreq core in init and unregisters in
 * exit. Importing the core's package makes this module a holder of cpufreq.
 */
@Header(name = "Module-Name", value = "pcc_cpufreq")
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "PCC cpufreq driver")
@Header(name = "Module-Author", value = "The kmod4j authors")
@Header(name = "Module-License", value = "GPL")
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
