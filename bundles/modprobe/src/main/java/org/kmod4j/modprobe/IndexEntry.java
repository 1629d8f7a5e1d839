package org.kmod4j.modprobe;

import java.nio.file.Path;
import java.util.List;

import org.osgi.resource.Resource;

/** One module of the index: its resource (capabilities and requirements), name, aliases, softdeps, file. */
final class IndexEntry {
    final Resource resource;
    final String name;
    final List<String> aliases;
    final Softdep softdep;
    final Path path;

    IndexEntry(Resource resource, String name, List<String> aliases, Softdep softdep, Path path) {
        this.resource = resource;
        this.name = name;
        this.aliases = aliases;
        this.softdep = softdep;
        this.path = path;
    }

    @Override
    public String toString() {
        return name + " (" + path + ")";
    }
}
