package org.kmod4j.commands;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;

import org.apache.felix.service.command.CommandProcessor;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * On a module's GOING, drops the converters and commands its bundle left in every Gogo command
 * processor. Gogo removes an unregistered converter with {@code Set.remove}, that is by
 * {@code equals}; Felix SCR registers a {@code java.lang.reflect.Proxy} whose handler
 * ({@code ComponentCommands$4}) answers {@code equals} for itself, so the proxy is never equal to
 * itself and stays in {@code CommandProcessorImpl.converters}, pinning SCR's class loader after
 * every unload. Plain Felix + Gogo 1.1.6 does the same (ScrConverterLeakIT shows it). Gogo has no API
 * that removes by identity, so the sets are reached by reflection and cleared by predicate.
 */
final class GogoSweep implements ModuleNotifier {
    private final ServiceTracker<CommandProcessor, CommandProcessor> processors;

    GogoSweep(BundleContext context) {
        processors = new ServiceTracker<>(context, CommandProcessor.class, null);
        processors.open(true);
    }

    void close() {
        processors.close();
    }

    @Override
    public void moduleEvent(ModuleState event, Module module) {
        Bundle bundle = module.bundle();
        if (event != ModuleState.GOING || bundle == null) {
            return;
        }
        for (CommandProcessor processor : processors.getServices(new CommandProcessor[0])) {
            Object converters = field(processor, "converters");
            if (converters instanceof Collection) {
                ((Collection<?>) converters).removeIf(c -> from(bundle, c));
            }
            Object commands = field(processor, "commands");
            if (commands instanceof Map) {
                for (Object targets : ((Map<?, ?>) commands).values()) {
                    if (targets instanceof Map) {
                        ((Map<?, ?>) targets).keySet().removeIf(t -> from(bundle, t));
                    }
                }
                ((Map<?, ?>) commands).values().removeIf(t -> t instanceof Map && ((Map<?, ?>) t).isEmpty());
            }
        }
    }

    /** Whether the object's class, or its proxy handler's, comes from the bundle. */
    static boolean from(Bundle bundle, Object o) {
        if (o == null) {
            return false;
        }
        Class<?> type = Proxy.isProxyClass(o.getClass()) ? Proxy.getInvocationHandler(o).getClass() : o.getClass();
        Bundle owner = FrameworkUtil.getBundle(type);
        return owner != null && owner.getBundleId() == bundle.getBundleId();
    }

    /** A field of Gogo's CommandProcessorImpl, or null on any other processor. */
    private static Object field(Object processor, String name) {
        for (Class<?> c = processor.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(processor);
            } catch (NoSuchFieldException e) {
                // look further up
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
