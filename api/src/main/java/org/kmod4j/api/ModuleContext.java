package org.kmod4j.api;

import java.time.Duration;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.BundleContext;

/**
 * What the container hands a module's {@link ModuleInit}: its bundle context, parameters, SRCU
 * domains, references to other modules, notifier registration and log. Valid from COMING until
 * the module goes (or its init is abandoned after a timeout); what a module takes through it
 * (references, notifiers) is released for it then, and from then on every call that would act,
 * {@link #container()}'s included, fails with {@link Errno#ENODEV}.
 *
 * <pre>{@code
 * public void init(ModuleContext context) {
 *     int count = context.intParameter("count");   // declared with @ModuleParameter(type = ParameterType.INT)
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

    /**
     * The value of a declared parameter (its default when not given), or {@code null} when it
     * has neither.
     *
     * @throws IllegalArgumentException if the module declares no parameter of this name (the
     *     message names the declared ones), so a typo fails where it is made
     */
    String parameter(String name);

    /**
     * A parameter declared as {@code byte}, {@code short}, {@code ushort} or {@code int}.
     *
     * @throws IllegalArgumentException if it is not declared, or declared with another type
     * @throws IllegalStateException if it has no value (not given and no default)
     */
    default int intParameter(String name) {
        return Integer.parseInt(typedValue(name, ParameterType.BYTE, ParameterType.SHORT, ParameterType.USHORT,
                ParameterType.INT));
    }

    /**
     * A parameter declared as any integer type up to {@code long}; a {@code ulong} comes back as
     * its 64 bits ({@link Long#toUnsignedString(long)} prints it).
     *
     * @throws IllegalArgumentException if it is not declared, or declared with another type
     * @throws IllegalStateException if it has no value (not given and no default)
     */
    default long longParameter(String name) {
        String value = typedValue(name, ParameterType.BYTE, ParameterType.SHORT, ParameterType.USHORT,
                ParameterType.INT, ParameterType.UINT, ParameterType.LONG, ParameterType.ULONG);
        return new java.math.BigInteger(value).longValue(); // a ulong's low 64 bits
    }

    /**
     * A parameter declared as {@code bool}.
     *
     * @throws IllegalArgumentException if it is not declared, or declared with another type
     * @throws IllegalStateException if it has no value (not given and no default)
     */
    default boolean boolParameter(String name) {
        return Boolean.parseBoolean(typedValue(name, ParameterType.BOOL));
    }

    /**
     * A parameter declared as {@code double}.
     *
     * @throws IllegalArgumentException if it is not declared, or declared with another type
     * @throws IllegalStateException if it has no value (not given and no default)
     */
    default double doubleParameter(String name) {
        return Double.parseDouble(typedValue(name, ParameterType.DOUBLE));
    }

    /** The canonical value of parameter {@code name}, checked to be declared with one of {@code types}. */
    private String typedValue(String name, ParameterType... types) {
        String value = parameter(name); // refuses an undeclared name
        ParameterType declared = module().parameterSpecs().stream()
                .filter(s -> s.name().equals(name)).findFirst().orElseThrow().type();
        if (!java.util.Arrays.asList(types).contains(declared)) {
            throw new IllegalArgumentException("parameter '" + name + "' of module " + module().name()
                    + " is declared as " + declared.typeName() + ", not readable with this accessor");
        }
        if (value == null) {
            throw new IllegalStateException("parameter '" + name + "' of module " + module().name()
                    + " has no value (not given and no default)");
        }
        return value;
    }

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

    /**
     * A proxy of {@code type} that calls the service of whichever module currently provides it,
     * each call inside that module's guard: the consumer side of a module that may be unloaded,
     * loaded again or replaced under it. The proxy is a generated class (no reflection, no boxing).
     * <ul>
     * <li>Which provider: among services of {@code type} registered by LIVE modules, the highest
     * {@code service.ranking}, then the lowest {@code service.id}; chosen again when a module goes
     * LIVE or leaves LIVE. Services of bundles that are not modules are not followed.</li>
     * <li>Replace: calls keep going to the old instance until the new one is LIVE and holds the
     * name, then to the new one; a call in flight on the old one finishes there (the old
     * instance's grace period waits for it). No call is refused during a replace.</li>
     * <li>No provider: a call fails with {@link ModuleException} ENOENT, at once.</li>
     * <li>The proxy keeps no object of a module that left LIVE, so it never pins an unloaded
     * module's class loader. It stops following when this module goes (after its exit).</li>
     * <li>{@code equals}/{@code hashCode} are identity, {@code toString} describes the current
     * binding; none of them enters a module. Default methods are called on the provider's object.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if {@code type} is not a public interface
     */
    default <T> T service(Class<T> type) {
        return service(type, null, Duration.ZERO);
    }

    /**
     * {@link #service(Class)} restricted to services matching an LDAP {@code filter}.
     *
     * @throws ModuleException EINVAL for a filter that does not parse
     */
    default <T> T service(Class<T> type, String filter) {
        return service(type, filter, Duration.ZERO);
    }

    /**
     * {@link #service(Class, String)}, where a call made while no provider is LIVE waits for
     * one up to {@code wait} before it fails with ENOENT (EINTR if interrupted). Opt-in and
     * bounded: the wait ends early when this module goes, so unloading never waits on it.
     */
    <T> T service(Class<T> type, String filter, Duration wait);

    /** Writes a line to the container's kernel-style log, prefixed with the module's name. */
    void log(String message);
}
