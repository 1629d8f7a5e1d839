package org.kmod4j.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * The console's profile, {@code <state dir>/shell/etc/gosh_profile} (gogo.jline reads
 * {@code etc/gosh_profile} under the framework property {@code gosh.home} instead of its own).
 * It runs gogo.jline's own profile (copied from its jar to {@code etc/gogo_profile}), then puts
 * the kmod scope first, so that {@code exit},
 * {@code help}, {@code head} and {@code tail} are kmod's (Gogo's {@code exit} is
 * {@code System.exit(int)}), and tells Tab what to complete after each kmod command: loaded
 * module names, index names or files.
 */
final class ShellProfile {

    private static final String GOGO_JLINE = "org.apache.felix.gogo.jline.jar";

    static final String TEXT = String.join("\n",
            "# written by the kmod4j launcher at each start (no quote marks in comments: Gogo reads them)",
            "# first the profile of gogo.jline: its prompt, completions and helpers such as __files",
            "source '%s'",
            "try {",
            "# the kmod commands before those of Gogo",
            "SCOPE = 'kmod:gogo:*'",
            "",
            "complete -c kmod:lsmod -e",
            "complete -c kmod:lsmod -d 'Show the loaded modules'",
            "complete -c kmod:lsmod -l no-format --description 'Tab-separated rows, for scripts'",
            "complete -c kmod:insmod -e",
            "complete -c kmod:insmod -d 'Insert a module jar'",
            "complete -c kmod:insmod -s p -l permanent --description 'Never unloadable'",
            "complete -c kmod:insmod -a '__files'",
            "complete -c kmod:rmmod -e",
            "complete -c kmod:rmmod -d 'Remove modules'",
            "complete -c kmod:rmmod -s f -l force --description 'Unload despite references (taints R)'",
            "complete -c kmod:rmmod -s w -l wait --description 'Retry while in use'",
            "complete -c kmod:rmmod -a '__modules'",
            "complete -c kmod:modinfo -e",
            "complete -c kmod:modinfo -d 'Show a module jar or a loaded module'",
            "complete -c kmod:modinfo -s F -l field --description 'Only this field'",
            "complete -c kmod:modinfo -a '__modules'",
            "complete -c kmod:modprobe -e",
            "complete -c kmod:modprobe -d 'Load a module with its dependencies, or remove it'",
            "complete -c kmod:modprobe -s r -l remove --description 'Remove, then unused dependencies'",
            "complete -c kmod:modprobe -s n -l dry-run --description 'Print, load nothing'",
            "complete -c kmod:modprobe -s D -l show-depends --description 'Print the insmod lines'",
            "complete -c kmod:modprobe -s d -l dirname --description 'Another modules directory'",
            "complete -c kmod:modprobe -n '__option_not_present -r --remove' -a '__modprobe_names'",
            "complete -c kmod:modprobe -n 'not { __option_not_present -r --remove }' -a '__modules'",
            "complete -c kmod:depmod -e",
            "complete -c kmod:depmod -d 'Index a folder of module jars for modprobe'",
            "complete -c kmod:depmod -a '__directories'",
            "complete -c kmod:dmesg -e",
            "complete -c kmod:dmesg -d 'Print the container log'",
            "complete -c kmod:dmesg -s c -l clear --description 'Clear after printing'",
            "complete -c kmod:dmesg -s w -l follow --description 'Wait for new lines (Ctrl-C ends)'",
            "} {",
            "  echo \"$0: ERROR: $exception\"",
            "}",
            "");

    private ShellProfile() {
    }

    /** The folder given to gogo.jline as {@code gosh.home}. */
    static Path home(Path stateDir) {
        return stateDir.resolve("shell");
    }

    static Path home(String stateDir) {
        return home(Paths.get(stateDir));
    }

    /** Writes {@code home/etc/gosh_profile} and gogo.jline's as {@code home/etc/gogo_profile}, replacing older copies. */
    static void write(Path home) throws IOException {
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path gogo = etc.resolve("gogo_profile");
        try (JarInputStream jar = new JarInputStream(EmbeddedBundles.open(GOGO_JLINE))) {
            for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                if (entry.getName().equals("gosh_profile")) {
                    Files.copy(jar, gogo, StandardCopyOption.REPLACE_EXISTING);
                    break;
                }
            }
        }
        Files.writeString(etc.resolve("gosh_profile"), String.format(TEXT, gogo.toUri()));
    }
}
