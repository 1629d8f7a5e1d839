package org.kmod4j.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.kmod4j.admin.ModuleStateFile.Entry;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Keeps {@code <state dir>/modules.state} equal to the set of LIVE modules, so a restart (also
 * after {@code kill -9}) loads the same modules with the same parameters and permanence.
 *
 * <p>A module notifier (whiteboard service, ranked last so it records what the other notifiers
 * let happen) drives it: at COMING the module's jar is copied into
 * {@code <state dir>/modules/<name>-<sha256 prefix>.jar} (forced to disk, then renamed into
 * place), so the restart does not depend on the original file still being there; at LIVE and
 * at GOING the whole state file is rewritten (see {@link ModuleStateFile#write}) and copies no
 * entry refers to any more are deleted. Events are handled one at a time (loads of different
 * modules may notify concurrently).
 *
 * <p>At start, {@link #restore} loads the recorded modules in dependency order; a recorded module
 * already loaded (the admin bundle restarted on a running container) is adopted as it is, and so
 * is a LIVE module the file does not have. While it runs the
 * recorded entries stay in the file, so a crash in the middle of a restore loses nothing; a
 * module whose restore failed is dropped from the state afterwards, with a message.
 *
 * <p>The framework's shutdown is not an unload: events after {@link #close()} (or while the
 * system bundle is stopping) are ignored, so the state file keeps what was loaded.
 */
final class ModulePersistence implements AutoCloseable {

    static final String MODULES_DIR = "modules";

    private final Path stateDir;
    private final Path stateFile;
    private final Path modulesDir;
    private final ModuleContainer container;
    private final BundleContext context;
    private final PrintStream err;

    /** LIVE modules (and, during a restore, recorded ones not restored yet), in load order. */
    private final Map<String, Tracked> live = new LinkedHashMap<>();
    /** Modules between COMING and LIVE/GOING: their jar copies must not be deleted. */
    private final Map<String, Copy> coming = new HashMap<>();
    /** Restore: the copy a module is loaded from → the original source recorded for it. */
    private final Map<String, String> restoredSources = new HashMap<>();

    private ServiceRegistration<?> registration;
    private volatile boolean closed;

    private record Copy(String file, String sha256, String source, String loadedFrom) {
    }

    /** @param bundleId the LIVE instance's bundle (-1 while restoring) */
    private record Tracked(Entry entry, String loadedFrom, boolean restoring, long bundleId) {
    }

    ModulePersistence(Path stateDir, ModuleContainer container, BundleContext context, PrintStream err) {
        this.stateDir = stateDir;
        this.stateFile = stateDir.resolve(ModuleStateFile.NAME);
        this.modulesDir = stateDir.resolve(MODULES_DIR);
        this.container = container;
        this.context = context;
        this.err = err;
    }

    /** Registers the notifier; from now on every LIVE and GOING rewrites the state file. */
    void open() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "kmod4j admin: persists the loaded modules in " + stateFile);
        // after every other notifier: the state file records what actually happened
        props.put(Constants.SERVICE_RANKING, Integer.MIN_VALUE);
        registration = context.registerService(ModuleNotifier.class, this::event, props);
    }

    /**
     * Loads the modules recorded in the state file, each after the modules it uses.
     *
     * @return the names restored
     */
    List<String> restore() {
        List<Entry> recorded;
        try {
            recorded = ModuleStateFile.read(stateFile);
        } catch (IOException e) {
            err.println("kmod4j: ERROR: cannot read " + stateFile + ": " + e.getMessage() + " (starting without it)");
            return List.of();
        }
        synchronized (this) {
            for (Entry e : recorded) {
                live.put(e.name(), new Tracked(e, null, true, -1));
            }
        }
        List<String> restored = new ArrayList<>();
        for (Entry e : ModuleStateFile.dependencyOrder(recorded)) {
            Path jar = e.file() == null ? null : stateDir.resolve(e.file());
            if (jar == null || !Files.isRegularFile(jar)) {
                jar = e.source() == null ? null : Path.of(e.source());
            }
            if (jar == null || !Files.isRegularFile(jar)) {
                err.println("kmod4j: ERROR: cannot restore module " + e.name() + ": its jar is gone ("
                        + e.file() + ", " + e.source() + ")");
                continue;
            }
            synchronized (this) {
                restoredSources.put(jar.toString(), e.source() != null ? e.source() : jar.toString());
            }
            try {
                container.load(jar, LoadOptions.of(e.parameters()).withPermanent(e.permanent()));
                restored.add(e.name());
            } catch (ModuleException f) {
                if (f.errno() == Errno.EEXIST) {
                    adopt(e);
                    restored.add(e.name());
                } else {
                    err.println("insmod: ERROR: " + f.getMessage());
                }
            } finally {
                synchronized (this) {
                    restoredSources.remove(jar.toString());
                }
            }
        }
        synchronized (this) {
            List<String> dropped = new ArrayList<>();
            live.values().removeIf(t -> {
                if (t.restoring()) {
                    dropped.add(t.entry().name());
                }
                return t.restoring();
            });
            if (!dropped.isEmpty()) {
                err.println("kmod4j: modules not restored, dropped from " + stateFile + ": " + String.join(" ", dropped));
            }
            adoptUnrecorded();
            save();
        }
        return restored;
    }

    /** A recorded module found loaded already: recorded as it is now (its LIVE event came before this instance). */
    private void adopt(Entry recorded) {
        Optional<Module> loaded = container.find(recorded.name());
        if (loaded.isEmpty()) {
            return; // gone meanwhile: dropped below
        }
        Module m = loaded.get();
        Entry entry = new Entry(m.name(), recorded.file(), recorded.source(), recorded.sha256(), m.isPermanent(),
                m.uses(), m.parameters());
        synchronized (this) {
            live.put(m.name(), new Tracked(entry, m.filename(), false, bundleId(m)));
        }
    }

    /**
     * LIVE modules the state file does not have (loaded while no admin bundle ran) are recorded
     * as they are, loaded again from their own file (no copy is made of a jar loaded before).
     * Callers hold the monitor.
     */
    private void adoptUnrecorded() {
        for (Module m : container.modules()) {
            if (m.state() == ModuleState.LIVE && !live.containsKey(m.name()) && !coming.containsKey(m.name())) {
                Entry entry = new Entry(m.name(), null, m.filename(), null, m.isPermanent(), List.copyOf(m.uses()),
                        new LinkedHashMap<>(m.parameters()));
                live.put(m.name(), new Tracked(entry, m.filename(), false, bundleId(m)));
            }
        }
    }

    private static long bundleId(Module module) {
        Bundle bundle = module.bundle();
        return bundle == null ? -1 : bundle.getBundleId();
    }

    /** Where the module was first loaded from (its jar before it was copied), if it is LIVE. */
    synchronized Optional<String> source(String name) {
        Tracked t = live.get(name);
        return t == null ? Optional.empty() : Optional.ofNullable(t.entry().source());
    }

    /** The SHA-256 of the jar the module was loaded from, if it is LIVE. */
    synchronized Optional<String> sha256(String name) {
        Tracked t = live.get(name);
        return t == null ? Optional.empty() : Optional.ofNullable(t.entry().sha256());
    }

    private void event(ModuleState state, Module module) {
        if (closed || context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() == Bundle.STOPPING) {
            return;
        }
        try {
            switch (state) {
                case COMING -> coming(module);
                case LIVE -> live(module);
                case GOING -> going(module);
                default -> {
                }
            }
        } catch (RuntimeException e) {
            // never veto or break a load because the state could not be written; say so
            err.println("kmod4j: ERROR: cannot persist module " + module.name() + " (" + state + "): " + e.getMessage());
        }
    }

    private void coming(Module module) {
        Path jar = Path.of(module.filename());
        String source;
        synchronized (this) {
            source = restoredSources.getOrDefault(module.filename(), module.filename());
        }
        Copy copy;
        try {
            copy = copy(module.name(), jar, source, module.filename());
        } catch (IOException | UncheckedIOException e) {
            err.println("kmod4j: WARNING: cannot copy " + jar + " into " + modulesDir + ": " + e.getMessage()
                    + " (a restart will load it from its original path)");
            copy = new Copy(null, null, source, module.filename());
        }
        synchronized (this) {
            coming.put(module.name(), copy);
        }
    }

    private synchronized void live(Module module) {
        Copy copy = coming.remove(module.name());
        if (copy == null) {
            copy = new Copy(null, null, module.filename(), module.filename());
        }
        Entry entry = new Entry(module.name(), copy.file(), copy.source(), copy.sha256(), module.isPermanent(),
                List.copyOf(module.uses()), new LinkedHashMap<>(module.parameters()));
        live.put(module.name(), new Tracked(entry, module.filename(), false, bundleId(module)));
        save();
    }

    private synchronized void going(Module module) {
        Copy copy = coming.remove(module.name());
        Tracked t = live.get(module.name());
        if (copy == null && t != null && !t.restoring() && bundleId(module) == t.bundleId()) {
            // an unload of the LIVE module (a GOING after a failed load never was LIVE; the old
            // instance's GOING after a replace is not the instance recorded now)
            live.remove(module.name());
        }
        save();
    }

    /** Writes the state file and deletes jar copies nothing refers to. Callers hold the monitor. */
    private void save() {
        List<Entry> entries = new ArrayList<>();
        for (Tracked t : live.values()) {
            entries.add(t.entry());
        }
        ModuleStateFile.write(stateFile, entries);
        Set<String> keep = new HashSet<>();
        entries.forEach(e -> keep.add(e.file()));
        coming.values().forEach(c -> keep.add(c.file()));
        if (!Files.isDirectory(modulesDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(modulesDir)) {
            for (Path f : files) {
                String relative = MODULES_DIR + "/" + f.getFileName();
                if (!keep.contains(relative) && !f.getFileName().toString().startsWith(".")) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            err.println("kmod4j: WARNING: cannot clean " + modulesDir + ": " + e.getMessage());
        }
    }

    /**
     * Copies the jar to {@code modules/<name>-<sha256 prefix>.jar}: to a temporary file while
     * hashing, forced to disk, then renamed (or dropped if that content is already there).
     */
    private Copy copy(String name, Path jar, String source, String loadedFrom) throws IOException {
        Files.createDirectories(modulesDir);
        Path tmp = modulesDir.resolve("." + name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try {
            try (InputStream in = new DigestInputStream(Files.newInputStream(jar), md);
                    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(ch);
                in.transferTo(out);
                ch.force(true);
            }
            String sha = java.util.HexFormat.of().formatHex(md.digest());
            String file = MODULES_DIR + "/" + name + "-" + sha.substring(0, 16) + ".jar";
            Path target = stateDir.resolve(file);
            if (Files.exists(target)) {
                Files.delete(tmp);
            } else {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
                ModuleStateFile.forceDirectory(modulesDir);
            }
            return new Copy(file, sha, source, loadedFrom);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() {
        closed = true;
        ServiceRegistration<?> r = registration;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // the framework is already stopping
            }
        }
    }
}
