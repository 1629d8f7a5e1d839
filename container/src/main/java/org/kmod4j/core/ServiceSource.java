package org.kmod4j.core;

/**
 * Where a guarded proxy finds the binding a call goes to: one fixed module's object
 * ({@link org.kmod4j.api.Guarded#service}), or whichever module currently provides a service
 * ({@link ServiceFollower}). Public only because generated proxy classes name it.
 */
public abstract class ServiceSource {

    ServiceSource() {
    }

    /**
     * The binding a call should enter now. A proxy whose {@link ServiceBinding#lock()} then
     * fails (the module went GOING in between) asks again.
     *
     * @throws org.kmod4j.api.ModuleException when there is nothing to call (ENOENT, or EBUSY
     *     while a fixed module is still loading)
     */
    public abstract ServiceBinding binding();

    /** For the proxy's toString. */
    abstract String describe();

    /** A single module's object (a fixed binding): calls fail once that module is not LIVE. */
    static final class Fixed extends ServiceSource {
        private final ServiceBinding binding;

        Fixed(ServiceBinding binding) {
            this.binding = binding;
        }

        /** Always the one binding: its lock throws once the module is not LIVE. */
        @Override
        public ServiceBinding binding() {
            return binding;
        }

        @Override
        String describe() {
            return binding.toString();
        }
    }
}
