package org.kmod4j.examples.deferredfree;

import java.util.Hashtable;
import java.util.function.Function;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ParameterType;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.api.annotation.ModuleParameter;
import org.osgi.framework.ServiceRegistration;

/**
 * The <em>{@code call} + implicit barrier</em> example: a small cache whose evicted entries are
 * freed only after an SRCU grace period, with {@link org.kmod4j.api.SrcuDomain#call(Runnable)}
 * (Linux {@code call_srcu}), so a reader that still holds an entry never sees it freed.
 *
 * <p>Readers look entries up inside a read-side section of the module's {@code cache} domain
 * ({@link ModuleContext#domain(String)}); they take no lock. When an insertion pushes the cache
 * over {@code capacity}, the oldest entry is unlinked and its release is queued with
 * {@code call}; the writer does not wait. At unload, {@code exit} queues the release of every
 * remaining entry the same way and returns at once. The module never calls
 * {@code barrier()}: the container runs the <em>implicit barrier</em> on every domain that used
 * {@code call} after exit and before the module's bundle is freed, so no callback can run code of
 * an uninstalled bundle (the bug Linux modules get when they forget {@code srcu_barrier} in their
 * exit).
 *
 * <p>At load it fills the cache with {@code fill} entries ({@code key-0}, {@code key-1}, ...), so
 * {@code fill - capacity} are evicted at once. While loaded it registers the lookup as a
 * {@code Function<String, String>} service (property {@code kmod4j.example=deferred_free}).
 *
 * <p>Try it in the shell:
 * <pre>
 * g! insmod deferred-free.jar capacity=2 fill=5
 * g! dmesg | grep deferred_free     # 3 "freed key-N after a grace period" lines
 * g! rmmod deferred_free
 * g! dmesg | grep deferred_free     # exit queued 2; freed key-3, key-4; then the container's
 *                                   # "srcu barrier on domain cache: ... callback(s) drained"
 * </pre>
 */
@ModuleName("deferred_free")
@ModuleDescription("A cache whose evicted entries are freed after an SRCU grace period (call + implicit barrier)")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
@ModuleParameter(name = "capacity", type = ParameterType.INT, description = "Entries kept before the oldest is evicted",
        defaultValue = "4")
@ModuleParameter(name = "fill", type = ParameterType.INT, description = "Entries inserted at load", defaultValue = "8")
@ModuleInitializer
public final class DeferredFreeModule implements ModuleInit {

    private DeferredFreeCache cache;
    private ServiceRegistration<?> registration;

    @Override
    public void init(ModuleContext context) {
        int capacity = context.intParameter("capacity");
        int fill = context.intParameter("fill");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        cache = new DeferredFreeCache(context.domain("cache"), capacity, context::log);
        for (int i = 0; i < fill; i++) {
            cache.lookup("key-" + i);
        }
        context.log("cache of " + capacity + " filled with " + fill + " entries, " + cache.evicted()
                + " evicted (their release queued with call)");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("kmod4j.example", "deferred_free");
        Function<String, String> lookup = cache::lookup;
        registration = context.bundleContext().registerService(Function.class.getName(), lookup, properties);
    }

    @Override
    public void exit(ModuleContext context) {
        registration.unregister();
        int queued = cache.clear();
        // no barrier here: the container runs it after exit, before the bundle is freed
        context.log("exit: queued the release of " + queued + " entries and returned without waiting");
    }
}
