package org.kmod4j.modprobe;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;

/**
 * {@code modprobe -r}: unloads a module, then every dependency (and soft dependency) it used that
 * nobody uses any more, as kmod's {@code rmmod_do_module}; failures on dependencies are only
 * reported.
 */
final class ModprobeRemove {
    private final Modprobe modprobe;
    private final Modprobe.Environment env;

    ModprobeRemove(Modprobe modprobe, Modprobe.Environment env) {
        this.modprobe = modprobe;
        this.env = env;
    }

    void remove(String nameOrAlias, ModprobeOptions o, ModprobeConfig conf, PrintStream out, Consumer<String> warn) {
        List<String> names = new ArrayList<>();
        Map<String, Softdep> softdeps = new HashMap<>();
        Optional<Module> direct = modprobe.loaded(nameOrAlias);
        if (direct.isPresent()) {
            names.add(direct.get().name());
        } else {
            Modprobe.Lookup lookup;
            try {
                lookup = modprobe.lookup(nameOrAlias, o, conf);
            } catch (ModuleException e) {
                if (e.errno() == Errno.ENOENT && o.firstTime) {
                    throw new ModuleException(Errno.ENOENT, "Module " + nameOrAlias + " is not in kernel.", e);
                }
                throw e;
            }
            for (IndexEntry e : lookup.entries) {
                names.add(e.name);
            }
        }
        for (IndexEntry e : safeEntries()) {
            softdeps.put(Fnmatch.normalizeName(e.name), e.softdep);
        }
        for (String name : names) {
            Optional<Module> m = modprobe.loaded(name);
            if (m.isEmpty()) {
                if (o.firstTime) {
                    throw new ModuleException(Errno.ENOENT, "Module " + name + " is not in kernel.");
                }
                continue;
            }
            Module mod = m.get();
            Softdep sd = softdeps.getOrDefault(Fnmatch.normalizeName(mod.name()), softdep(mod));
            List<String> post = new ArrayList<>(sd.post);
            Collections.reverse(post);
            for (String p : post) {
                removeUnused(p, o, out, warn, new HashSet<>());
            }
            List<String> uses = mod.uses();
            if (o.dryRun) {
                if (out != null) {
                    out.println("rmmod " + mod.name());
                }
            } else {
                env.container().unload(mod.name(), UnloadOptions.defaults().withWaitMillis(o.waitMillis));
            }
            Set<String> seen = new HashSet<>();
            for (String dep : uses) {
                removeUnused(dep, o, out, warn, seen);
            }
            List<String> pre = new ArrayList<>(sd.pre);
            Collections.reverse(pre);
            for (String p : pre) {
                removeUnused(p, o, out, warn, seen);
            }
        }
    }

    private List<IndexEntry> safeEntries() {
        try {
            return modprobe.index().entries;
        } catch (ModuleException e) {
            return List.of();
        }
    }

    private static Softdep softdep(Module m) {
        List<String> values = m.info().get("softdep");
        return values == null || values.isEmpty() ? Softdep.NONE : Softdep.parse(values.get(0));
    }

    /** kmod rmmod_do_deps_list: a dependency whose refcount dropped to 0 goes too; errors are not fatal. */
    private void removeUnused(String name, ModprobeOptions o, PrintStream out, Consumer<String> warn, Set<String> seen) {
        if (!seen.add(Fnmatch.normalizeName(name))) {
            return;
        }
        Optional<Module> m = modprobe.loaded(name);
        if (m.isEmpty()) {
            return;
        }
        Module mod = m.get();
        if (mod.state() != ModuleState.LIVE || mod.isPermanent() || mod.refcount() != 0 || !mod.holders().isEmpty()) {
            return;
        }
        List<String> uses = mod.uses();
        if (o.dryRun) {
            if (out != null) {
                out.println("rmmod " + mod.name());
            }
        } else {
            try {
                env.container().unload(mod.name(), UnloadOptions.defaults());
            } catch (ModuleException e) {
                warn.accept("could not remove dependency " + mod.name() + ": " + e.getMessage());
                return;
            }
        }
        for (String dep : uses) {
            removeUnused(dep, o, out, warn, seen);
        }
    }
}
