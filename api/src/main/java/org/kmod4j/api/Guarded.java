package org.kmod4j.api;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
 */
public final class Guarded {

    private Guarded() {
    }

    /**
     * Returns a proxy of {@code type} that calls {@code target} inside {@code module}'s guard.
     * The proxy's {@code equals}, {@code hashCode} and {@code toString} do not enter the guard;
     * an exception thrown by {@code target} reaches the caller unwrapped.
     *
     * @param module the module that provides {@code target}
     * @param type an interface {@code target} implements; the proxy implements only it
     * @param target the service object
     * @return the guarded proxy
     * @throws IllegalArgumentException if {@code type} is not an interface
     */
    public static <T> T service(Module module, Class<T> type, T target) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(target, "target");
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface");
        }
        InvocationHandler handler = new Handler(module, target);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static final class Handler implements InvocationHandler {
        private final Module module;
        private final Object target;

        Handler(Module module, Object target) {
            this.module = module;
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals": return proxy == args[0];
                    case "hashCode": return System.identityHashCode(proxy);
                    case "toString": return "Guarded[" + module.name() + ": " + target + "]";
                    default: break;
                }
            }
            try (ModuleGuard guard = module.enter()) {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
