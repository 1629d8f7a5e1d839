package org.kmod4j.modprobe;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleInfo;

import aQute.bnd.osgi.repository.SimpleIndexer;
import aQute.bnd.osgi.resource.CapReqBuilder;
import aQute.bnd.osgi.resource.ResourceBuilder;

/**
 * depmod's per-module metadata as a custom capability in namespace {@value #NAMESPACE}:
 * {@code name}, {@code alias} (Module-Alias patterns) and {@code softdep} (Module-Softdep) as
 * the container reads them ({@link ModuleContainer#inspect}: one name rule, one header parser),
 * and {@code size}/{@code lastmodified} of the jar and the Java {@code release} it was described
 * for, which the next depmod uses to reuse the entry of an unchanged jar.
 */
final class ModuleAnalyzer implements SimpleIndexer.FileAnalyzer {
    static final String NAMESPACE = "kmod4j.module";
    static final String NAME = "name";
    static final String ALIAS = "alias";
    static final String SOFTDEP = "softdep";
    static final String SIZE = "size";
    static final String LAST_MODIFIED = "lastmodified";
    /** The Java release the entry was written for: its requirements are that release's. */
    static final String RELEASE = "release";

    private final Function<Path, ModuleInfo> inspect;

    /** @param inspect {@link ModuleContainer#inspect}: throws a ModuleException for a jar that is no module */
    ModuleAnalyzer(Function<Path, ModuleInfo> inspect) {
        this.inspect = inspect;
    }

    @Override
    public void analyzeFile(File file, ResourceBuilder resource) throws Exception {
        ModuleInfo info = inspect.apply(file.toPath());
        CapReqBuilder cap = new CapReqBuilder(NAMESPACE).addAttribute(NAME, info.name());
        List<String> aliases = info.fields().getOrDefault("alias", List.of());
        if (!aliases.isEmpty()) {
            cap.addAttribute(ALIAS, aliases);
        }
        List<String> softdep = info.fields().getOrDefault("softdep", List.of());
        if (!softdep.isEmpty()) {
            cap.addAttribute(SOFTDEP, softdep.get(0));
        }
        cap.addAttribute(SIZE, Files.size(file.toPath()));
        cap.addAttribute(LAST_MODIFIED, Files.getLastModifiedTime(file.toPath()).toMillis());
        cap.addAttribute(RELEASE, (long) ModuleIndex.RELEASE);
        resource.addCapability(cap);
    }
}
