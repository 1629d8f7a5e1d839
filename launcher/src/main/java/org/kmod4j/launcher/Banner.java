package org.kmod4j.launcher;

import java.nio.file.Path;
import java.util.List;

/** What the interactive launcher says before the shell prompt. */
final class Banner {

    private Banner() {
    }

    static String text(Path stateDir, Path examples, List<String> loaded, boolean shell) {
        StringBuilder b = new StringBuilder();
        b.append("kmod4j ").append(Versions.kmod4j())
                .append(": OSGi bundles with the load/unload discipline of Linux kernel modules (Apache Felix ")
                .append(Versions.felix()).append(")\n");
        b.append("state directory: ").append(stateDir).append('\n');
        if (examples != null) {
            b.append("example modules: ").append(examples).append(" (loaded: ")
                    .append(loaded.isEmpty() ? "none" : String.join(" ", loaded)).append(")\n");
        }
        if (!shell) {
            b.append("running without a shell; Ctrl-C stops the container.\n");
            return b.toString();
        }
        b.append("Type 'lsmod' to list modules, 'help' for every command, 'help insmod' for one; Ctrl-D or 'exit 0' quits.\n");
        if (examples != null) {
            b.append("Try: modinfo hello | rmmod cpufreq | insmod ").append(examples.resolve("pcc-cpufreq.jar")).append('\n');
        }
        return b.toString();
    }
}
