package org.kmod4j.modprobe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.api.UnloadOptions;
import org.osgi.framework.Bundle;

/**
 * modprobe on the kmod4j container: looks a module up by name, else by alias pattern (fnmatch),
 * computes its dependency closure with the Felix resolver over the installed bundles plus the
 * {@link ModuleIndex}, and loads what is missing in dependency order (independent modules of a
 * layer in parallel). Soft dependencies load around the module and their failures are only
 * logged. A failed request unloads, newest first, every module it loaded. {@code -r} unloads a
 * module and then its dependencies nobody uses any more.
 */
final class Modprobe {
    /** How modprobe reaches the rest of the system; the activator supplies the OSGi side. */
    interface Environment {
        ModuleContainer container();

        /** The installed bundles. */
        Bundle[] bundles();

        /** The folder depmod indexes and modprobe reads. */
        Path modulesDir();

        /** The modprobe.conf with {@code blacklist} and {@code options} lines (may not exist). */
        Path configFile();
    }

    private final Environment env;
    private final Executor executor;
    private volatile ModuleIndex cached;

    Modprobe(Environment env, Executor executor) {
        this.env = env;
        this.executor = executor;
    }

    /** This modprobe on another modules folder ({@code modprobe -d DIR}), sharing the rest. */
    Modprobe withModulesDir(Path dir) {
        Environment base = env;
        return new Modprobe(new Environment() {
            @Override
            public ModuleContainer container() {
                return base.container();
            }

            @Override
            public Bundle[] bundles() {
                return base.bundles();
            }

            @Override
            public Path modulesDir() {
                return dir;
            }

            @Override
            public Path configFile() {
                return base.configFile();
            }
        }, executor);
    }

    /** The index of the modules folder, re-read when depmod rewrote it. */
    ModuleIndex index() {
        Path dir = env.modulesDir().toAbsolutePath().normalize();
        ModuleIndex c = cached;
        if (c == null || !c.dir.equals(dir) || !c.isCurrent()) {
            c = ModuleIndex.read(dir);
            cached = c;
        }
        return c;
    }

    ModuleIndex.Result depmod(Path dir, PrintStream progress) {
        ModuleIndex.Result r = ModuleIndex.depmod(dir == null ? env.modulesDir() : dir, env.container()::inspect, progress);
        cached = null;
        return r;
    }

    ModprobeConfig config(Consumer<String> warn) {
        Path file = env.configFile();
        try {
            ModprobeConfig conf = ModprobeConfig.read(file);
            for (String w : conf.warnings()) {
                warn.accept(file + ": " + w);
            }
            return conf;
        } catch (IOException e) {
            warn.accept("could not read " + file + ": " + e.getMessage());
            return ModprobeConfig.EMPTY;
        }
    }

    /** Runs a parsed command line; returns the modules loaded or found (none for -r, -n, -D). */
    List<Module> run(ModprobeOptions o, PrintStream out, Consumer<String> warn) {
        ModprobeConfig conf = config(warn);
        List<Module> result = new ArrayList<>();
        if (o.remove) {
            for (String name : o.modules) {
                new ModprobeRemove(this, env).remove(name, o, conf, out, warn);
            }
            return result;
        }
        if (o.replace) {
            result.add(replace(o.modules.get(0), o.parameters, o, conf));
            return result;
        }
        ModuleException failure = null;
        for (String name : o.modules) {
            try {
                result.addAll(probe(name, o.parameters, o, conf, out, warn));
            } catch (ModuleException e) {
                if (!o.all) {
                    throw e;
                }
                warn.accept(e.getMessage());
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** request_module: modprobe NAME without options. */
    List<Module> request(String nameOrAlias, Consumer<String> warn) {
        return probe(nameOrAlias, Map.of(), ModprobeOptions.defaults(), config(warn), null, warn);
    }

    // ---- lookup ----------------------------------------------------------------------------

    /** What a name or alias resolved to. */
    static final class Lookup {
        final List<IndexEntry> entries;
        final Module loadedOnly;
        final boolean viaAlias;

        Lookup(List<IndexEntry> entries, Module loadedOnly, boolean viaAlias) {
            this.entries = entries;
            this.loadedOnly = loadedOnly;
            this.viaAlias = viaAlias;
        }
    }

    Optional<Module> loaded(String name) {
        String n = Fnmatch.normalizeName(name);
        for (Module m : env.container().modules()) {
            if (Fnmatch.normalizeName(m.name()).equals(n)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    Lookup lookup(String nameOrAlias, ModprobeOptions o, ModprobeConfig conf) {
        ModuleIndex index = index();
        List<IndexEntry> byName = index.byName(nameOrAlias);
        if (!byName.isEmpty()) {
            return blacklisted(nameOrAlias, new Lookup(List.of(byName.get(0)), null, false), o, conf);
        }
        Optional<Module> loaded = loaded(nameOrAlias);
        if (loaded.isPresent()) {
            return blacklisted(nameOrAlias, new Lookup(List.of(), loaded.get(), false), o, conf);
        }
        List<IndexEntry> byAlias = index.byAlias(nameOrAlias);
        if (byAlias.isEmpty()) {
            throw new ModuleException(Errno.ENOENT, "Module " + nameOrAlias + " not found in directory " + index.dir);
        }
        return blacklisted(nameOrAlias, new Lookup(byAlias, null, true), o, conf);
    }

    /** kmod: the blacklist filters modules reached through an alias, or any with -b. */
    private static Lookup blacklisted(String request, Lookup lookup, ModprobeOptions o, ModprobeConfig conf) {
        if (!lookup.viaAlias && !o.applyBlacklist) {
            return lookup;
        }
        if (lookup.loadedOnly != null) {
            if (conf.isBlacklisted(lookup.loadedOnly.name())) {
                throw blacklistError(lookup.loadedOnly.name(), request);
            }
            return lookup;
        }
        List<IndexEntry> kept = new ArrayList<>();
        for (IndexEntry e : lookup.entries) {
            if (!conf.isBlacklisted(e.name)) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw blacklistError(lookup.entries.get(0).name, request);
        }
        return new Lookup(kept, null, lookup.viaAlias);
    }

    private static ModuleException blacklistError(String module, String request) {
        return new ModuleException(Errno.EPERM, "could not insert '" + module + "': Module is blacklisted"
                + (module.equals(request) ? "" : " (requested as " + request + ")"));
    }

    // ---- replace ---------------------------------------------------------------------------

    /**
     * {@code modprobe --replace NAME [k=v ...]}: the loaded module NAME is replaced by its jar in
     * the index, with the options of modprobe.d and the command line, without downtime. Its
     * dependencies are loaded already (the old instance holds them); the container refuses the
     * replace while other modules are wired to NAME, unless {@code --cascade} replaces them too
     * (each from the jar it was loaded from).
     */
    private Module replace(String nameOrAlias, Map<String, String> parameters, ModprobeOptions o, ModprobeConfig conf) {
        Lookup lookup = lookup(nameOrAlias, o, conf);
        if (lookup.entries.isEmpty()) {
            throw new ModuleException(Errno.ENOENT, "Module " + nameOrAlias + " not found in directory " + index().dir);
        }
        IndexEntry target = lookup.entries.get(0);
        Map<String, String> params = new LinkedHashMap<>(conf.options(target.name));
        params.putAll(parameters);
        return env.container().replace(target.path, LoadOptions.of(params), ReplaceOptions.defaults().withCascade(o.cascade));
    }

    // ---- insert ----------------------------------------------------------------------------

    /** The modules one request loaded, in order, so a failure can unload them newest first. */
    private final class Transaction {
        final List<String> loaded = Collections.synchronizedList(new ArrayList<>());

        void rollback(Consumer<String> warn) {
            List<String> names;
            synchronized (loaded) {
                names = new ArrayList<>(loaded);
                loaded.clear();
            }
            Collections.reverse(names);
            for (String name : names) {
                try {
                    env.container().unload(name, UnloadOptions.defaults());
                } catch (ModuleException e) {
                    warn.accept("could not unload " + name + " after the failed request: " + e.getMessage());
                }
            }
        }
    }

    List<Module> probe(String nameOrAlias, Map<String, String> parameters, ModprobeOptions o, ModprobeConfig conf,
            PrintStream out, Consumer<String> warn) {
        Transaction tx = new Transaction();
        try {
            return probe(nameOrAlias, parameters, o, conf, out, warn, tx, new HashSet<>());
        } catch (RuntimeException | Error e) {
            tx.rollback(warn);
            throw e;
        }
    }

    private List<Module> probe(String nameOrAlias, Map<String, String> parameters, ModprobeOptions o, ModprobeConfig conf,
            PrintStream out, Consumer<String> warn, Transaction tx, Set<String> visiting) {
        Lookup lookup = lookup(nameOrAlias, o, conf);
        List<Module> result = new ArrayList<>();
        if (lookup.loadedOnly != null) {
            alreadyLoaded(lookup.loadedOnly, o, out);
            result.add(lookup.loadedOnly);
            return result;
        }
        for (IndexEntry target : lookup.entries) {
            Module m = insert(target, parameters, o, conf, out, warn, tx, visiting);
            if (m != null) {
                result.add(m);
            }
        }
        return result;
    }

    private void alreadyLoaded(Module m, ModprobeOptions o, PrintStream out) {
        if (o.firstTime) {
            throw new ModuleException(Errno.EEXIST, "could not insert '" + m.name() + "': Module already in kernel");
        }
        if (o.showDepends && out != null) {
            out.println("insmod " + m.filename());
        }
    }

    private Module insert(IndexEntry target, Map<String, String> parameters, ModprobeOptions o, ModprobeConfig conf,
            PrintStream out, Consumer<String> warn, Transaction tx, Set<String> visiting) {
        String key = Fnmatch.normalizeName(target.name);
        if (!visiting.add(key)) {
            return null; // a softdep cycle: already on its way
        }
        Optional<Module> live = loaded(target.name);
        if (live.isPresent() && !o.showDepends && live.get().state() == ModuleState.LIVE) {
            alreadyLoaded(live.get(), o, out);
            return live.get();
        }
        Map<String, String> targetParams = new LinkedHashMap<>(conf.options(target.name));
        targetParams.putAll(parameters);
        List<List<IndexEntry>> layers = plan(target, o.showDepends);
        List<List<IndexEntry>> deps = new ArrayList<>();
        for (List<IndexEntry> layer : layers) {
            List<IndexEntry> l = new ArrayList<>(layer);
            l.remove(target);
            if (!l.isEmpty()) {
                deps.add(l);
            }
        }
        boolean print = o.dryRun || o.showDepends;
        // 1. the dependencies, layer by layer
        for (List<IndexEntry> layer : deps) {
            if (print) {
                for (IndexEntry e : layer) {
                    printInsmod(out, e, conf.options(e.name));
                }
            } else {
                loadLayer(layer, conf, tx);
            }
        }
        // 2. softdep pre:, 3. the module, 4. softdep post:
        softdeps(target, target.softdep.pre, "pre", o, conf, out, warn, tx, visiting);
        Module m = null;
        if (print) {
            printInsmod(out, target, targetParams);
        } else {
            m = loadOne(target, targetParams, tx, o.firstTime);
        }
        softdeps(target, target.softdep.post, "post", o, conf, out, warn, tx, visiting);
        return m;
    }

    private void softdeps(IndexEntry target, List<String> names, String kind, ModprobeOptions o, ModprobeConfig conf,
            PrintStream out, Consumer<String> warn, Transaction tx, Set<String> visiting) {
        for (String name : names) {
            Transaction nested = new Transaction();
            try {
                probe(name, Map.of(), o.forSoftdep(), conf, out, warn, nested, visiting);
                tx.loaded.addAll(nested.loaded);
            } catch (ModuleException e) {
                nested.rollback(warn);
                // kmod: soft dependencies are not required; their failure is not fatal
                warn.accept("softdep " + kind + ": " + name + " of " + target.name + " failed (ignored): " + e.getMessage());
            }
        }
    }

    private static void printInsmod(PrintStream out, IndexEntry e, Map<String, String> params) {
        if (out == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("insmod ").append(e.path);
        for (Map.Entry<String, String> p : params.entrySet()) {
            String v = p.getValue();
            sb.append(' ').append(p.getKey());
            if (!v.isEmpty()) {
                sb.append('=').append(v.contains(" ") ? '"' + v + '"' : v);
            }
        }
        out.println(sb);
    }

    private void loadLayer(List<IndexEntry> layer, ModprobeConfig conf, Transaction tx) {
        if (layer.size() == 1) {
            loadOne(layer.get(0), conf.options(layer.get(0).name), tx, false);
            return;
        }
        List<CompletableFuture<Module>> futures = new ArrayList<>();
        for (IndexEntry e : layer.subList(1, layer.size())) {
            futures.add(CompletableFuture.supplyAsync(() -> loadOne(e, conf.options(e.name), tx, false), executor));
        }
        RuntimeException failure = null;
        try {
            loadOne(layer.get(0), conf.options(layer.get(0).name), tx, false);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (CompletableFuture<Module> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new ModuleException(Errno.EINTR, "interrupted while loading dependencies");
                }
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException ? (RuntimeException) cause
                            : new ModuleException(Errno.EIO, String.valueOf(cause), cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Loads one module; EEXIST (someone else loaded it meanwhile) counts as success unless first-time. */
    private Module loadOne(IndexEntry e, Map<String, String> params, Transaction tx, boolean firstTime) {
        try {
            Module m = env.container().load(e.path, LoadOptions.of(params));
            tx.loaded.add(m.name());
            return m;
        } catch (ModuleException ex) {
            if (ex.errno() == Errno.EEXIST) {
                if (firstTime) {
                    throw new ModuleException(Errno.EEXIST, "could not insert '" + e.name + "': Module already in kernel", ex);
                }
                Optional<Module> m = env.container().find(e.name);
                if (m.isPresent()) {
                    return m.get();
                }
            }
            throw ex;
        }
    }

    /** The layers to load for {@code target}; see {@link DependencyPlanner#plan}. */
    List<List<IndexEntry>> plan(IndexEntry target, boolean ignoreLoaded) {
        return new DependencyPlanner(env).plan(index(), target, ignoreLoaded);
    }
}
