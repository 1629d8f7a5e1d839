/**
 * The cpufreq core: one frequency driver at a time, as in Linux. Driver modules
 * (acpi_cpufreq, pcc_cpufreq) import this package, so loading one makes it a holder of cpufreq.
 */
@Export
@Version("1.0.0")
@Header(name = "Module-Name", value = "cpufreq")
@Header(name = "Module-Description", value = "CPU frequency scaling core: a registry for one cpufreq driver")
@Header(name = "Module-Author", value = "The kmod4j authors")
@Header(name = "Module-License", value = "GPL")
package org.kmod4j.examples.cpufreq;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.bundle.Header;
import org.osgi.annotation.versioning.Version;
