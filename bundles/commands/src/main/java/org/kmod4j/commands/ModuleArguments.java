package org.kmod4j.commands;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.felix.service.command.CommandSession;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;

/** How the commands read their arguments: module files and module names ({@code key=value}: {@link org.kmod4j.api.LoadOptions#parseParameters}). */
final class ModuleArguments {

    private ModuleArguments() {
    }

    /**
     * kmod's {@code is_module_filename}: an argument naming a file rather than a module. Module
     * names match {@code [A-Za-z0-9_.-]}, so a '/' or a {@code file:} scheme means a path, and so
     * does the {@code .jar} suffix (kmod: {@code .ko}).
     */
    static boolean isModuleFilename(String argument) {
        return argument.indexOf('/') >= 0 || argument.indexOf(java.io.File.separatorChar) >= 0
                || argument.startsWith("file:") || MavenCoordinates.isMavenUrl(argument) || argument.endsWith(".jar");
    }

    /**
     * A path, a {@code file:} URL, or a {@code mvn:} URL of the local Maven repository; relative
     * paths are relative to the session's directory.
     */
    static Path file(CommandSession session, String argument) {
        if (MavenCoordinates.isMavenUrl(argument)) {
            return MavenCoordinates.resolve(argument, System::getProperty);
        }
        try {
            if (argument.startsWith("file:")) {
                return Paths.get(URI.create(argument));
            }
            Path path = Paths.get(argument);
            if (path.isAbsolute()) {
                return path;
            }
            Path base = session == null ? null : session.currentDir();
            return (base == null ? Paths.get("").toAbsolutePath() : base).resolve(path).normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new ModuleException(Errno.ENOENT, "invalid module file '" + argument + "': " + e.getMessage(), e);
        }
    }

    /**
     * Reads a module jar for rmmod or modinfo: a jar that cannot be read fails in the words of
     * the command's own operation ({@code could not remove module FILE: ...}), with the errno
     * (and the detail) of the failure; the container words it as a load.
     */
    static ModuleInfo inspect(CommandSession session, ModuleContainer container, String argument, String operation) {
        try {
            return container.inspect(file(session, argument));
        } catch (ModuleException e) {
            // kmod's words for ENOEXEC on a module file, strerror's for the rest
            String what = e.errno() == Errno.ENOEXEC ? "Invalid module format" : e.errno().description();
            throw new ModuleException(e.errno(), operation + argument + ": " + what, e);
        }
    }
}
