package org.kmod4j.launcher;

import java.nio.file.Path;
import java.util.List;

/** What the launcher says at start, before the shell prompt. */
final class Banner {

    private Banner() {
    }

    /**
     * @param examples the folder of the example jars, null with {@code --no-examples}
     * @param restored modules restored from the last run
     * @param deploy the deploy folder, null with {@code --no-deploy}
     * @param socket the control socket, null if it could not be opened
     */
    static String text(Path stateDir, Path examples, List<String> loaded, boolean shell, List<String> restored,
            Path deploy, Path socket) {
        StringBuilder b = new StringBuilder();
        b.append("kmod4j ").append(Versions.kmod4j())
                .append(": OSGi bundles with the load/unload discipline of Linux kernel modules (Apache Felix ")
                .append(Versions.felix()).append(")\n");
        b.append("state directory: ").append(stateDir).append('\n');
        if (!restored.isEmpty()) {
            b.append("restored from the last run: ").append(String.join(" ", restored)).append('\n');
        }
        if (examples != null) {
            b.append("example modules: ").append(examples).append(" (loaded: ")
                    .append(loaded.isEmpty() ? "none" : String.join(" ", loaded)).append(")\n");
        }
        if (deploy != null) {
            b.append("deploy folder: ").append(deploy).append(" (drop a jar to load it, delete it to unload)\n");
        }
        if (socket != null) {
            b.append("control socket: ").append(socket).append(" (from bash: java -jar kmod4j.jar --state-dir ")
                    .append(stateDir).append(" lsmod)\n");
        }
        if (!shell) {
            b.append("running without a shell; Ctrl-C stops the container. 'java -jar kmod4j.jar --help' lists the options.\n");
            return b.toString();
        }
        b.append("Type 'lsmod' to list modules, 'help' for the commands, 'help insmod' for one; Ctrl-D or 'exit' quits.\n");
        if (examples != null) {
            b.append("Try: modinfo hello | rmmod cpufreq | insmod ").append(examples.resolve("pcc-cpufreq.jar")).append('\n');
        }
        return b.toString();
    }
}
