package org.kmod4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.core.srcu.SrcuReadGuard;
import org.kmod4j.core.srcu.SrcuReaderCell;
import org.kmod4j.core.srcu.SrcuStruct;
import org.osgi.framework.Bundle;

/**
 * A module: Linux's {@code struct module}. State, references and the reader-side entry are
 * lock-free; the use links and the domain table change under the container's module mutex.
 */
public final class KernelModule implements Module {
    static final String DEFAULT_DOMAIN = "default";

    private final Kernel kernel;
    private final ModuleManifest manifest;
    private final Map<String, String> parameters;
    private final boolean permanent;
    /** The load in progress; null once it finished (LIVE or failed). */
    private volatile LoadInfo loading;

    private volatile ModuleState state = ModuleState.UNFORMED;
    private final ModuleRefcount refcount = new ModuleRefcount();
    private final Set<Taint> taints = Collections.synchronizedSet(EnumSet.noneOf(Taint.class));

    private volatile BundleHost.Hosted hosted;
    private volatile Bundle bundle;
    private volatile ClassLoader classLoader;
    private volatile String signer = "";
    private volatile Set<String> packages = Set.of();
    /** Modules using this one (Linux source_list); copy-on-write under the module mutex. */
    private volatile List<KernelModule> holders = List.of();
    /** Modules this one uses (Linux target_list); copy-on-write under the module mutex. */
    private volatile List<KernelModule> uses = List.of();
    private volatile SrcuStruct defaultDomain;
    /** Its reader table, written before it: enter() reaches its cell one load sooner. */
    private volatile SrcuReaderCell[] defaultReaders;
    /** Left out of the by-name index: a replacement until it takes the name, the old instance after. */
    private volatile boolean shadowed;
    /** The instance this one replaces (set for a replacement's whole load), or null. */
    private volatile KernelModule replaces;
    /** The replacement loading for this instance, or null; under the module mutex. */
    private KernelModule replacement;
    private volatile ModuleInit moduleInit;
    private volatile KernelModuleContext context;
    private final Map<String, SrcuStruct> domains = new ConcurrentHashMap<>();

    KernelModule(Kernel kernel, LoadInfo load) {
        this.kernel = kernel;
        this.manifest = load.manifest;
        this.parameters = load.params;
        this.permanent = load.permanent;
        this.loading = load;
    }

    // ---- replace

    boolean shadowed() {
        return shadowed;
    }

    void shadowed(boolean s) {
        this.shadowed = s;
    }

    KernelModule replaces() {
        return replaces;
    }

    void replaces(KernelModule old) {
        this.replaces = old;
    }

    /** Under the module mutex. */
    KernelModule replacement() {
        return replacement;
    }

    /** Under the module mutex. */
    void replacement(KernelModule r) {
        this.replacement = r;
    }

    // ---- identity and metadata

    @Override
    public String name() {
        return manifest.name();
    }

    @Override
    public String version() {
        return manifest.version();
    }

    @Override
    public String filename() {
        return manifest.filename();
    }

    @Override
    public long size() {
        return manifest.size();
    }

    ModuleManifest manifest() {
        return manifest;
    }

    /** The load in progress, or null once it finished. */
    LoadInfo loading() {
        return loading;
    }

    @Override
    public Bundle bundle() {
        return bundle;
    }

    BundleHost.Hosted hosted() {
        return hosted;
    }

    void hosted(BundleHost.Hosted h) {
        this.hosted = h;
        this.bundle = h.bundle();
    }

    /** After free: drops every reference into the module's class loader. */
    void release() {
        hosted = null;
        moduleInit = null;
        classLoader = null;
        packages = Set.of();
    }

    /** The module's Module-Init instance, or null; set during COMING. */
    ModuleInit moduleInit() {
        return moduleInit;
    }

    void moduleInit(ModuleInit init) {
        this.moduleInit = init;
    }

    KernelModuleContext context() {
        return context;
    }

    void context(KernelModuleContext c) {
        this.context = c;
    }

    ClassLoader classLoader() {
        return classLoader;
    }

    void classLoader(ClassLoader loader) {
        this.classLoader = loader;
    }

    /** Packages of the module's own classes; set before COMING. */
    Set<String> packages() {
        return packages;
    }

    void packages(Set<String> p) {
        this.packages = Set.copyOf(p);
    }

    @Override
    public String signer() {
        return signer;
    }

    void signer(String s) {
        this.signer = s == null ? "" : s;
    }

    @Override
    public boolean isPermanent() {
        return permanent;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public List<ParameterSpec> parameterSpecs() {
        return manifest.parameterSpecs();
    }

    @Override
    public Map<String, List<String>> info() {
        return manifest.fields();
    }

    @Override
    public Set<Taint> taints() {
        synchronized (taints) {
            return taints.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(taints));
        }
    }

    void taint(Taint t) {
        taints.add(t);
    }

    // ---- state

    @Override
    public ModuleState state() {
        return state;
    }

    void state(ModuleState s) {
        this.state = s;
    }

    /** Load finished (LIVE or failed): drops the load's working state, wakes loads waiting on it. */
    void finishLoading() {
        LoadInfo l = loading;
        loading = null;
        if (l != null) {
            l.finish();
        }
    }

    /** Loads waiting now for this one's load to finish (tests use it to prove a burst overlapped). */
    int waiters() {
        LoadInfo l = loading;
        return l == null ? 0 : l.waiters();
    }

    // ---- references

    /** The counter itself, for load and unload; {@link #refcount()} is its value. */
    ModuleRefcount refs() {
        return refcount;
    }

    @Override
    public int refcount() {
        return refcount.references();
    }

    @Override
    public boolean tryGet() {
        return state != ModuleState.GOING && refcount.tryGet();
    }

    @Override
    public void put() {
        if (!refcount.put()) {
            kernel.warn("module_put: " + name() + ": reference put without a get (count not changed)");
        }
    }

    @Override
    public ModuleRef get() {
        if (!tryGet()) {
            throw new ModuleException(Errno.ENOENT, "Module " + name() + " is not currently loaded");
        }
        return new Ref(this);
    }

    private static final class Ref implements ModuleRef {
        private final KernelModule module;
        private boolean closed;

        Ref(KernelModule module) {
            this.module = module;
        }

        @Override
        public Module module() {
            return module;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                module.put();
            }
        }
    }

    // ---- uses / holders

    @Override
    public List<String> holders() {
        WireLinks.linkHolders(kernel, this);
        return names(holders);
    }

    @Override
    public List<String> uses() {
        WireLinks.linkUses(kernel, this);
        return names(uses);
    }

    boolean usesModule(KernelModule target) {
        return uses.contains(target);
    }

    /** Linux {@code add_module_usage}: this uses target; under the module mutex. */
    void addUse(KernelModule target) {
        if (uses.contains(target)) {
            return;
        }
        List<KernelModule> u = new ArrayList<>(uses);
        u.add(target);
        uses = List.copyOf(u);
        List<KernelModule> h = new ArrayList<>(target.holders);
        h.add(this);
        target.holders = List.copyOf(h);
    }

    /** Drops the link from this to target (the caller puts target's reference); under the module mutex. */
    boolean dropUse(KernelModule target) {
        if (!uses.contains(target)) {
            return false;
        }
        List<KernelModule> u = new ArrayList<>(uses);
        u.remove(target);
        uses = List.copyOf(u);
        List<KernelModule> h = new ArrayList<>(target.holders);
        h.remove(this);
        target.holders = List.copyOf(h);
        return true;
    }

    /** Modules holding this one now, without linking new wires; under the module mutex. */
    List<KernelModule> holderModules() {
        return holders;
    }

    /** Linux {@code module_unload_free}: drops every use link; under the module mutex. */
    List<KernelModule> dropUses() {
        List<KernelModule> dropped = uses;
        for (KernelModule target : dropped) {
            List<KernelModule> h = new ArrayList<>(target.holders);
            h.remove(this);
            target.holders = List.copyOf(h);
        }
        uses = List.of();
        return dropped;
    }

    static List<String> names(List<KernelModule> modules) {
        List<String> n = new ArrayList<>();
        for (KernelModule m : modules) {
            n.add(m.name());
        }
        Collections.sort(n);
        return Collections.unmodifiableList(n);
    }

    // ---- SRCU

    /** Creates the default domain: at COMING. */
    void createDomains() {
        SrcuStruct d = srcuStruct(DEFAULT_DOMAIN);
        defaultReaders = d.readerTable();
        defaultDomain = d;
    }

    @Override
    public SrcuDomain domain() {
        SrcuStruct d = defaultDomain;
        if (d == null) {
            throw new ModuleException(Errno.EBUSY, "Module " + name() + " is not formed yet");
        }
        return d;
    }

    /**
     * The core object behind a named domain, created on first use; never shared with another
     * module. Named after its type: the API's {@code domain...} methods hand out {@link SrcuDomain}.
     */
    SrcuStruct srcuStruct(String domainName) {
        return domains.computeIfAbsent(domainName, n -> kernel.newDomain(n, name()));
    }

    /** The live table of every {@link #srcuStruct}, for the teardown. */
    Map<String, SrcuStruct> srcuStructs() {
        return domains;
    }

    @Override
    public Map<String, SrcuDomain> domains() {
        return Collections.unmodifiableMap(new TreeMap<>(domains));
    }

    /**
     * Whether the calling thread is inside a read section of one of this module's domains, or
     * runs one of their callbacks: an unload of this module would wait for it (grace period,
     * implicit barrier).
     */
    boolean unloadWouldWaitForThisThread() {
        for (SrcuStruct d : domains.values()) {
            if (d.inReadSection() || d.inCallback()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ModuleGuard enter() {
        SrcuStruct d = defaultDomain;
        if (d == null) {
            throw notLive(state);
        }
        Guard g = new Guard(this, d, defaultReaders); // read lock taken (the readers were written before d)
        ModuleState s = state; // read after the fence in readLock: pairs with unload's GOING + grace period
        if (s != ModuleState.LIVE) {
            g.close();
            throw notLive(s);
        }
        return g;
    }

    @Override
    public <T> T guarded(Class<T> type, T target) {
        if (!type.isInstance(target)) {
            throw new IllegalArgumentException(target.getClass().getName() + " does not implement " + type.getName());
        }
        if (defaultDomain == null) {
            throw notLive(state);
        }
        return GuardedProxyClasses.newProxy(type, new ServiceSource.Fixed(new ServiceBinding(this, target, true)));
    }

    ModuleException notLive(ModuleState s) {
        if (s == ModuleState.COMING || s == ModuleState.UNFORMED) {
            return new ModuleException(Errno.EBUSY, "Module " + name() + " is still loading");
        }
        return new ModuleException(Errno.ENOENT, "Module " + name() + " is not currently loaded");
    }

    private static final class Guard extends SrcuReadGuard implements ModuleGuard {
        private final KernelModule module;

        Guard(KernelModule module, SrcuStruct domain, SrcuReaderCell[] readers) {
            super(domain, readers);
            this.module = module;
        }

        @Override
        public Module module() {
            return module;
        }
    }

    @Override
    public String toString() {
        return "Module[" + name() + " " + state + "]";
    }
}
