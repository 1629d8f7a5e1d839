package org.kmod4j.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.UnaryOperator;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * {@code mvn:groupId/artifactId/version[/type[/classifier]]} (the Pax URL and Karaf syntax)
 * resolved in the local Maven repository: the container never downloads code, so an artifact
 * must be there already (e.g. {@code mvn install} or {@code mvn dependency:get} first).
 */
final class MavenCoordinates {
    /** Overrides the local repository; else {@code ~/.m2/repository}. */
    static final String LOCAL_REPOSITORY = "kmod4j.mvn.localRepository";

    private MavenCoordinates() {
    }

    static boolean isMavenUrl(String argument) {
        return argument.startsWith("mvn:");
    }

    /** @param property system/framework property lookup */
    static Path resolve(String url, UnaryOperator<String> property) {
        String[] parts = url.substring("mvn:".length()).split("/", -1);
        if (parts.length < 3 || parts.length > 5 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new ModuleException(Errno.EINVAL, "invalid Maven URL '" + url
                    + "': expected mvn:groupId/artifactId/version[/type[/classifier]]");
        }
        for (String p : parts) {
            if (p.contains("..") || p.contains("\\")) {
                throw new ModuleException(Errno.EINVAL, "invalid Maven URL '" + url + "'");
            }
        }
        String group = parts[0];
        String artifact = parts[1];
        String version = parts[2];
        String type = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : "jar";
        String classifier = parts.length > 4 && !parts[4].isEmpty() ? "-" + parts[4] : "";
        String configured = property.apply(LOCAL_REPOSITORY);
        Path repository = configured != null && !configured.isBlank() ? Paths.get(configured)
                : Paths.get(System.getProperty("user.home"), ".m2", "repository");
        Path file = repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                .resolve(artifact + "-" + version + classifier + "." + type);
        if (!Files.exists(file)) {
            throw new ModuleException(Errno.ENOENT, "could not load module " + url + ": not in the local Maven repository ("
                    + file + "); the container does not download");
        }
        return file;
    }
}
