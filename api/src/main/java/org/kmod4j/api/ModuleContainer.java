package org.kmod4j.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The container, registered as an OSGi service by the kmod4j framework extension. Lookups take
 * no lock and never wait for a load or unload in progress.
 */
@ProviderType
public interface ModuleContainer {

    /**
     * Loads a module: {@code insmod}. Concurrent loads of the same file content share one load
     * and its result; a load of a name still loading waits for it and then fails with EEXIST
     * (it became LIVE) or EBUSY (it failed); a name being unloaded gives EBUSY at once.
     *
     * @throws ModuleException ENOENT (no such file), ENOEXEC (not a module jar), EINVAL (bad
     *     parameters), EEXIST, EBUSY, EINTR, or the code the module's init or a notifier failed
     *     with; the container is then exactly as it was before the call
     */
    Module load(Path jar, LoadOptions options);

    /**
     * Replaces a loaded module by the module in {@code jar} (same name) without downtime:
     * {@code insmod --replace}. The new instance goes through UNFORMED, COMING and its init while
     * the old one stays LIVE; then, in one step, the name and every guarded service proxy
     * ({@link ModuleContext#service(Class)}) move to the new instance, which is LIVE, and the old
     * one goes GOING: calls in flight on it finish (its grace period), then its exit runs and it
     * is freed. Notifiers see the new instance's COMING and LIVE, then the old one's GOING.
     *
     * @return the new instance
     * @throws ModuleException as {@link #load} for the new instance (a failed init or a COMING
     *     veto leaves the old instance LIVE and untouched); ENOENT if no module of that name is
     *     loaded; EWOULDBLOCK ("in use by: ...") while modules are wired to the old instance or
     *     references are held on it; EBUSY if it is not LIVE, permanent, or already being replaced
     */
    default Module replace(Path jar, LoadOptions options) {
        return replace(jar, options, ReplaceOptions.defaults());
    }

    /**
     * {@link #replace(Path, LoadOptions)}, and with {@link ReplaceOptions#cascade()} the modules
     * wired to the module (its holders, transitively) are replaced with it: {@code insmod --replace
     * --cascade}. Each holder is loaded again from the jar it was loaded from, with its current
     * parameters. The new instances go through UNFORMED, COMING and their inits in dependency
     * order (providers first), each wired to the new instances of the modules it uses, while every
     * old instance stays LIVE; then, in one step, every name moves to its new instance, the new
     * instances go LIVE (notifiers in dependency order), and the old ones go GOING and unload in
     * reverse dependency order. If any new init fails or a notifier vetoes, every new instance is
     * torn down and every old one stays LIVE and untouched.
     *
     * @return the new instance of the module in {@code jar}
     * @throws ModuleException as {@link #replace(Path, LoadOptions)}, for the module or any holder
     *     (references held on one of them: EWOULDBLOCK; a permanent holder: EBUSY; a holder's jar
     *     gone: ENOENT); the container is then exactly as it was before the call
     */
    Module replace(Path jar, LoadOptions options, ReplaceOptions replace);

    /**
     * Unloads a module: {@code rmmod}.
     *
     * @throws ModuleException ENOENT (not loaded), EWOULDBLOCK (in use), EBUSY (not live, or
     *     permanent), EINTR
     */
    void unload(String name, UnloadOptions options);

    /**
     * Loads a module by name or alias with its dependencies, from any thread: the kernel's
     * {@code request_module}. Concurrent requests for the same name share one request and its
     * result. Without a {@link ModuleRequester} service only an already loaded module of that
     * name is found.
     *
     * @return the modules the request named
     * @throws ModuleException ENOENT if nothing provides the name, else the code the load failed with
     */
    List<Module> requestModule(String nameOrAlias);

    /**
     * A guarded proxy that follows whichever module provides a service, for a consumer that is
     * not handed a {@link ModuleContext}: a Declarative Services component, a plain bundle. The
     * same proxy as {@link ModuleContext#service(Class, String, Duration)}; it stops following
     * when {@code consumer}'s bundle stops (calls then fail with ENOENT).
     *
     * @param consumer the bundle context the services are looked up and got with
     * @param filter an LDAP filter on the service properties, or null
     * @param wait how long a call waits for a provider when none is LIVE; null or zero for none
     * @throws ModuleException EINVAL for a bad filter
     * @throws IllegalArgumentException if {@code type} is not a public interface
     */
    <T> T service(BundleContext consumer, Class<T> type, String filter, Duration wait);

    /** The module of this name unless it is still UNFORMED: Linux {@code find_module}. */
    Optional<Module> find(String name);

    /** The module backed by this bundle. */
    Optional<Module> find(Bundle bundle);

    /** The module whose class loader defined this class ("which module owns this frame?"). */
    Optional<Module> find(Class<?> type);

    /**
     * The module whose jar contains the package of this class name: which module owns a stack
     * frame ({@link StackTraceElement#getClassName()}), like Linux's {@code __module_address}.
     */
    Optional<Module> findByClassName(String className);

    /** The module owning this class loader. */
    Optional<Module> find(ClassLoader loader);

    /** Every formed module in load order, as one consistent snapshot. */
    List<Module> modules();

    /** Reads a module jar's metadata without loading it (modinfo FILE). */
    ModuleInfo inspect(Path jar);

    /** The container's taints, in Linux's letter order. */
    Set<Taint> taints();

    /**
     * The kernel-style event log as dmesg prints it ({@code [seconds.micros] text}), oldest
     * first: loads, unloads, errors, vetoes, leaks, taints ({@link ModuleEvent.Level#DEBUG}
     * events left out).
     */
    List<String> dmesg();

    /**
     * Clears the event log and returns what it held, in one step (dmesg -c; Linux's
     * {@code SYSLOG_ACTION_READ_CLEAR}): no event is lost between the read and the clear.
     * Sequence numbers go on from where they were.
     */
    List<ModuleEvent> clearDmesg();

    /** The events still held whose sequence number is {@code fromSequence} or later, oldest first. */
    List<ModuleEvent> events(long fromSequence);

    /**
     * Delivers the events still held from {@code fromSequence} on, then every new one, to
     * {@code listener} (see {@link ModuleEventListener}) until the returned handle is closed.
     * {@code 0} replays everything held; {@link Long#MAX_VALUE} only what comes next.
     */
    AutoCloseable follow(long fromSequence, ModuleEventListener listener);

    /**
     * Adds a DEPLOY event ({@code deploy: text}): what a deploy folder did. {@code module} is
     * null when a jar was refused before it had a name; {@code errno} is null on success.
     */
    ModuleEvent deployAction(String module, String text, Errno errno);
}
