package org.kmod4j.admin;

import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;

/**
 * The configuration of PID {@value AdminProperties#PID} from ConfigAdmin, when it is there. The
 * {@code org.osgi.service.cm} import is optional: this class is only loaded through
 * {@link #register}, which fails with {@link NoClassDefFoundError} when the package is not wired
 * (no ConfigAdmin when this bundle resolved; refresh the bundle after installing one).
 */
final class ManagedAdmin implements ManagedService {

    private final Consumer<Map<String, Object>> configured;

    private ManagedAdmin(Consumer<Map<String, Object>> configured) {
        this.configured = configured;
    }

    /** Registers the ManagedService; {@code configured} gets each configuration (empty when deleted). */
    static ServiceRegistration<?> register(BundleContext context, Consumer<Map<String, Object>> configured) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, AdminProperties.PID);
        props.put(Constants.SERVICE_DESCRIPTION, "kmod4j admin configuration");
        return context.registerService(ManagedService.class, new ManagedAdmin(configured), props);
    }

    @Override
    public void updated(Dictionary<String, ?> properties) {
        Map<String, Object> values = new HashMap<>();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                if (AdminConfig.KEYS.contains(key)) {
                    values.put(key, properties.get(key));
                }
            }
        }
        configured.accept(values);
    }
}
