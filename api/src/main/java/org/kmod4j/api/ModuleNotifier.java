package org.kmod4j.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The module notifier chain (Linux {@code register_module_notifier}): register an instance as
 * an OSGi service (whiteboard), or from a module's init with
 * {@link ModuleContext#registerNotifier(ModuleNotifier, int)}, which ties it to that module's
 * lifetime. Notifiers run in descending {@code service.ranking} (priority) order, and in
 * registration order within one ranking.
 *
 * <p>Events: {@link ModuleState#COMING} before the module's init, {@link ModuleState#LIVE}
 * after it, {@link ModuleState#GOING} on unload after exit, on init failure and on any failure
 * after COMING, always before the bundle is freed.
 */
@ConsumerType
@FunctionalInterface
public interface ModuleNotifier {

    /**
     * @throws ModuleException on COMING only: vetoes the load with that code; GOING then goes
     *     to the notifiers already called. Thrown on LIVE or GOING, or any other throwable, it
     *     is reported and ignored.
     */
    void moduleEvent(ModuleState event, Module module);
}
