package org.kmod4j.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.BundleContext;

/**
 * What the container hands a module's {@link ModuleInit}: its bundle context, parameters, SRCU
 * domains, references to other modules, notifier registration and log. Valid from COMING until
 * the module is freed; what a module takes through it (references, notifiers) is released for it
 * when it goes.
 *
 * <pre>{@code
 * public void init(ModuleContext context) {
 *     int count = Integer.parseInt(context.parameter("count"));   // declared with @ModuleParameter
 *     context.registerNotifier((event, module) -> context.log(module.name() + " " + event), 0);
 *     context.bundleContext().registerService(...);
 * }
 * }</pre>
 */
@ProviderType
public interface ModuleContext {

    /** The module itself. */
    Module module();

    /** The module bundle's context. */
    BundleContext bundleContext();

    /** The container the module lives in. */
    ModuleContainer container();

    /** The value of a declared parameter (its default when not given), or {@code null}. */
    String parameter(String name);

    /** All parameter values, defaults filled in. */
    Map<String, String> parameters();

    /** The module's default SRCU domain (the one {@link Module#enter()} uses). */
    SrcuDomain domain();

    /**
     * The module's SRCU domain of this name, created on first use. Domains belong to this
     * module alone and are drained and cleaned up when it unloads.
     */
    SrcuDomain domain(String name);

    /**
     * Takes a reference on another module ({@code try_module_get}): while it is held that
     * module cannot be unloaded without force. Close it when done; references still held when
     * this module goes are put for it, with a warning in the log.
     *
     * @throws ModuleException ENOENT if no such module is loaded or it is going
     */
    ModuleRef reference(String moduleName);

    /**
     * Registers a notifier for this module's lifetime (Linux {@code register_module_notifier}
     * from a module's init); it is unregistered when this module goes, after its own GOING event.
     */
    void registerNotifier(ModuleNotifier notifier, int priority);

    /** Writes a line to the container's kernel-style log, prefixed with the module's name. */
    void log(String message);
}
