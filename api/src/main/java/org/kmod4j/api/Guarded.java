package org.kmod4j.api;

import java.util.Objects;

/**
 * Wraps a service object of a module so that every call runs inside that module's guard
 * ({@link Module#enter()}): the module cannot finish unloading while a call is in flight, and
 * once it is going a call fails fast with a {@link ModuleException} (ENOENT) instead of running
 * code of a bundle that is being freed.
 *
 * <pre>{@code
 * Greeter g = Guarded.service(module, Greeter.class, tracker.getService());
 * g.greet("world"); // ModuleException(ENOENT) once the module is going, never a half-freed call
 * }</pre>
 *
 * To follow whichever module provides a service, across unloads and replaces, use
 * {@link ModuleContext#service(Class)} instead.
 */
public final class Guarded {

    private Guarded() {
    }

    /**
     * Returns a proxy of {@code type} that calls {@code target} inside {@code module}'s guard.
     * The proxy is a generated class: a call costs the guard's read lock and unlock plus a direct
     * interface call, with no reflection, argument array or boxing.
     * <ul>
     * <li>Every method of {@code type}, default methods included, is called on {@code target}
     * inside the guard (a default method runs {@code target}'s override if it has one).</li>
     * <li>{@code equals}, {@code hashCode} and {@code toString} are the proxy's own: identity,
     * identity hash, and {@code Guarded[Type -> module: target]}; they never enter the guard and
     * never call {@code target}.</li>
     * <li>An exception thrown by {@code target} reaches the caller unwrapped; a call while the
     * module is not LIVE throws {@link ModuleException} (EBUSY while COMING, ENOENT once
     * GOING).</li>
     * </ul>
     *
     * @param module the module that provides {@code target}
     * @param type a public interface {@code target} implements; the proxy implements only it
     * @param target the service object
     * @return the guarded proxy
     * @throws IllegalArgumentException if {@code type} is not a public interface
     */
    public static <T> T service(Module module, Class<T> type, T target) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        return module.guarded(type, target);
    }
}
