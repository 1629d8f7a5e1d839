package org.kmod4j.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;

/**
 * The hot-deploy folder (default {@code ./deploy}), in the manner of Felix FileInstall: a jar
 * dropped in is loaded as a module, a jar removed unloads its module, a jar changed is replaced
 * ({@code ModuleContainer.replace}: no downtime; unload, then load, only when the jar now holds
 * a module of another name).
 *
 * <p>Only {@code *.jar} files count; dotfiles and anything else ({@code x.jar.tmp},
 * {@code x.jar.part}) are ignored, so a copy tool's temporary names never load. A jar is acted
 * on only when it is complete: its size and modification time have stayed the same for
 * {@link #STABLE_MILLIS} across two scans, and it opens as a zip (a partly written jar has no
 * central directory yet). Loads go through {@code ModuleContainer.load} like insmod's, so they
 * merge with concurrent loads of the same jar.
 *
 * <p>One daemon thread: it waits for the directory's {@link WatchService} events and rescans
 * every {@link #RESCAN_MILLIS} anyway (a watch service may miss events or overflow, the folder
 * may be deleted and created again). A failure is printed to stderr with the file's name and
 * the container's message (the container's own log, dmesg, has the load errors too), once per
 * version of the file; the thread never dies on a bad file.
 */
final class DeployWatcher implements AutoCloseable {

    static final long STABLE_MILLIS = 500;
    static final long POLL_MILLIS = 250;
    static final long RESCAN_MILLIS = 2_000;

    private final Path dir;
    private final ModuleContainer container;
    private final ModulePersistence persistence;
    private final PrintStream log;
    private final Map<Path, Tracked> files = new HashMap<>();
    private WatchService watcher;
    private WatchKey key;
    private Thread thread;
    private volatile boolean closed;

    /** What the watcher knows about one jar. */
    private static final class Tracked {
        /** Last size and mtime seen, and since when (nanoTime) it has not changed. */
        Stamp seen;
        long seenSince;
        /** The version loaded as {@link #module}, or null. */
        Stamp loaded;
        /** The module loaded from this file, or null. */
        String module;
        /** The version that failed (not loaded again until the file changes). */
        Stamp failed;
        /** The last unload failure reported for a removed file. */
        String unloadError;
        /** Since when (nanoTime) the file has been missing; 0 while present. */
        long missingSince;
    }

    private record Stamp(long size, long mtimeNanos) {
    }

    DeployWatcher(Path dir, ModuleContainer container, ModulePersistence persistence, PrintStream log) {
        this.dir = dir.toAbsolutePath().normalize();
        this.container = container;
        this.persistence = persistence;
        this.log = log;
    }

    Path directory() {
        return dir;
    }

    /**
     * Creates the folder if needed, adopts modules restored from jars in it (a restored module
     * whose jar is gone is unloaded, one whose jar changed is replaced), and starts the thread.
     */
    void start() throws IOException {
        Files.createDirectories(dir);
        adoptRestored();
        try {
            watcher = dir.getFileSystem().newWatchService();
            register();
        } catch (IOException | UnsupportedOperationException e) {
            log.println("deploy: no file events for " + dir + " (" + e.getMessage() + "); rescanning every "
                    + RESCAN_MILLIS + " ms");
        }
        thread = new Thread(this::loop, "kmod4j-deploy");
        thread.setDaemon(true);
        thread.start();
    }

    private void register() throws IOException {
        if (watcher != null && (key == null || !key.isValid()) && Files.isDirectory(dir)) {
            key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        }
    }

    /** Restored modules whose recorded source is a jar in this folder are this folder's. */
    private void adoptRestored() {
        if (persistence == null) {
            return;
        }
        for (Module module : container.modules()) {
            Optional<String> source = persistence.source(module.name());
            if (source.isEmpty()) {
                continue;
            }
            Path jar = Path.of(source.get()).toAbsolutePath().normalize();
            if (!dir.equals(jar.getParent())) {
                continue;
            }
            Tracked t = new Tracked();
            t.module = module.name();
            Stamp now = stamp(jar);
            if (now != null && persistence.sha256(module.name()).map(s -> s.equals(sha256(jar))).orElse(false)) {
                t.loaded = now; // the same content as before the restart
                t.seen = now;
                t.seenSince = System.nanoTime();
            }
            files.put(jar, t);
        }
    }

    private void loop() {
        boolean pending = true;
        while (!closed) {
            try {
                pending = scan();
                if (watcher == null) {
                    Thread.sleep(pending ? POLL_MILLIS : RESCAN_MILLIS);
                    continue;
                }
                WatchKey k = watcher.poll(pending ? POLL_MILLIS : RESCAN_MILLIS, TimeUnit.MILLISECONDS);
                while (k != null) {
                    k.pollEvents();
                    k.reset();
                    k = watcher.poll();
                }
                register();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                if (closed) {
                    return;
                }
            } catch (Throwable e) {
                log.println("deploy: ERROR: " + dir + ": " + e);
                try {
                    Thread.sleep(RESCAN_MILLIS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** @return whether something is waiting to become stable (scan again soon) */
    private boolean scan() {
        boolean pending = false;
        Set<Path> present = new HashSet<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path p : stream) {
                    if (isCandidate(p)) {
                        present.add(p.toAbsolutePath().normalize());
                    }
                }
            } catch (IOException e) {
                log.println("deploy: ERROR: cannot list " + dir + ": " + e.getMessage());
                return true; // try again soon rather than unload everything
            }
        }
        long now = System.nanoTime();
        for (Path p : present) {
            Tracked t = files.computeIfAbsent(p, x -> new Tracked());
            t.missingSince = 0;
            Stamp stamp = stamp(p);
            if (stamp == null) {
                continue; // gone meanwhile: handled at the next scan
            }
            if (!stamp.equals(t.seen)) {
                t.seen = stamp;
                t.seenSince = now;
                pending = true;
                continue;
            }
            if (stamp.equals(t.loaded) || stamp.equals(t.failed)) {
                continue;
            }
            if (now - t.seenSince < TimeUnit.MILLISECONDS.toNanos(STABLE_MILLIS)) {
                pending = true;
                continue;
            }
            if (!isCompleteZip(p)) {
                report(null, p.getFileName() + " is not a complete jar; waiting for it to change", Errno.ENOEXEC);
                t.failed = stamp;
                continue;
            }
            pending |= deploy(p, t, stamp);
        }
        for (Iterator<Map.Entry<Path, Tracked>> it = files.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Path, Tracked> e = it.next();
            if (present.contains(e.getKey())) {
                continue;
            }
            Tracked t = e.getValue();
            // a copy over the file (delete, then create) must read as a replace, not remove + load:
            // a jar counts as removed only once it has stayed missing as long as a new one must be stable
            if (t.module != null) {
                if (t.missingSince == 0) {
                    t.missingSince = now;
                }
                if (now - t.missingSince < TimeUnit.MILLISECONDS.toNanos(STABLE_MILLIS)) {
                    pending = true;
                    continue;
                }
            }
            if (t.module == null || undeploy(e.getKey(), t)) {
                it.remove();
            }
        }
        return pending;
    }

    /** A deploy action: on the admin's log (stderr) and as a DEPLOY event in the container's (dmesg). */
    private void report(String module, String text, Errno errno) {
        log.println("deploy: " + text);
        try {
            container.deployAction(module, text, errno);
        } catch (RuntimeException e) {
            log.println("deploy: ERROR: cannot log to the container: " + e);
        }
    }

    private static boolean isCandidate(Path p) {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".jar") && Files.isRegularFile(p);
    }

    /**
     * Loads the jar, replacing the module it loaded before: without downtime when the new
     * content has the same module name, else by unload and load. A replace refused because the old
     * module is in use is retried at the next scans until its holders are gone, as a refused
     * unload of a removed jar is.
     *
     * @return whether to scan again soon (the replace waits)
     */
    private boolean deploy(Path jar, Tracked t, Stamp stamp) {
        if (t.module != null && ownsSameName(jar, t)) {
            return replace(jar, t, stamp);
        }
        if (t.module != null) {
            if (!unloadOwn(jar, t, "replaced")) {
                return true;
            }
        }
        try {
            Module module = container.load(jar, LoadOptions.defaults());
            t.module = module.name();
            t.loaded = stamp;
            t.failed = null;
            report(module.name(), "loaded " + module.name() + " from " + jar.getFileName(), null);
        } catch (ModuleException e) {
            t.failed = stamp;
            report(null, jar.getFileName() + ": insmod: ERROR: " + e.getMessage(), e.errno());
        } catch (RuntimeException e) {
            t.failed = stamp;
            log.println("deploy: " + jar.getFileName() + ": ERROR: " + e);
        }
        return false;
    }

    /** Whether the module this file loaded is still loaded from it and the new content has its name. */
    private boolean ownsSameName(Path jar, Tracked t) {
        Optional<Module> current = container.find(t.module);
        if (current.isEmpty() || !isFrom(current.get(), jar)) {
            return false;
        }
        try {
            return t.module.equals(container.inspect(jar).name());
        } catch (RuntimeException e) {
            return false; // a bad jar: the load path reports it
        }
    }

    /**
     * The jar changed: replace its module without downtime; on failure the old one stays. A
     * replace refused because the module is in use is retried, as a refused unload is.
     *
     * @return whether to scan again soon
     */
    private boolean replace(Path jar, Tracked t, Stamp stamp) {
        try {
            Module module = container.replace(jar, LoadOptions.defaults());
            t.loaded = stamp;
            t.failed = null;
            report(module.name(), "replaced " + module.name() + " from " + jar.getFileName(), null);
            return false;
        } catch (ModuleException e) {
            boolean inUse = e.errno() == Errno.EAGAIN || e.errno() == Errno.EBUSY; // EWOULDBLOCK is EAGAIN
            if (!inUse) {
                t.failed = stamp;
            }
            report(t.module, jar.getFileName() + ": insmod --replace: ERROR: " + e.getMessage() + " (" + t.module
                    + " left as it was" + (inUse ? "; retrying" : "") + ")", e.errno());
            return inUse;
        } catch (RuntimeException e) {
            t.failed = stamp;
            log.println("deploy: " + jar.getFileName() + ": ERROR: " + e);
            return false;
        }
    }

    /** The jar was removed: unload its module. @return whether the file can be forgotten */
    private boolean undeploy(Path jar, Tracked t) {
        return unloadOwn(jar, t, "removed");
    }

    /**
     * Unloads the module this file loaded, if it is still that module (a module of the same name
     * loaded from elsewhere meanwhile is left alone). @return false if it is still loaded
     */
    private boolean unloadOwn(Path jar, Tracked t, String why) {
        String name = t.module;
        Optional<Module> current = container.find(name);
        if (current.isEmpty() || !isFrom(current.get(), jar)) {
            t.module = null;
            t.loaded = null;
            return true;
        }
        try {
            container.unload(name, UnloadOptions.defaults());
            report(name, "unloaded " + name + " (" + jar.getFileName() + " " + why + ")", null);
            t.module = null;
            t.loaded = null;
            t.unloadError = null;
            return true;
        } catch (ModuleException e) {
            if (e.errno() == Errno.ENOENT) {
                t.module = null;
                t.loaded = null;
                return true;
            }
            if (!e.getMessage().equals(t.unloadError)) {
                t.unloadError = e.getMessage();
                report(name, jar.getFileName() + " " + why + ": rmmod: ERROR: " + e.getMessage() + " (retrying)",
                        e.errno());
            }
            return false;
        }
    }

    private boolean isFrom(Module module, Path jar) {
        if (module.filename().equals(jar.toString())) {
            return true;
        }
        return persistence != null && persistence.source(module.name()).map(jar.toString()::equals).orElse(false);
    }

    private static Stamp stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the file opens as a zip: a jar still being written has no central directory yet. */
    static boolean isCompleteZip(Path p) {
        try (ZipFile zip = new ZipFile(p.toFile())) {
            return zip.size() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    static String sha256(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0;) {
                md.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // ignore
            }
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
