/**
 * The cpufreq core: one frequency driver at a time, as in Linux. Driver modules
 * (acpi_cpufreq, pcc_cpufreq) import this package, so loading one makes it a holder of cpufreq.
 * The module headers are generated from the annotations on {@link CpufreqCore}.
 */
@Export
@Version("1.0.0")
package org.kmod4j.examples.cpufreq;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
