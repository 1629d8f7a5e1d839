package org.kmod4j.management;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;

/**
 * The container's MXBean. It also sends each container event as a JMX notification (type
 * {@code org.kmod4j.<event type>}, e.g. {@code org.kmod4j.load}; the event's sequence number,
 * its dmesg line as the message, its module name as user data): registered as a
 * {@link ModuleEventListener} service, it is fed by the container's event log.
 */
final class ContainerBean extends NotificationBroadcasterSupport implements ContainerMXBean, ModuleEventListener {

    static final String NOTIFICATION_PREFIX = "org.kmod4j.";

    private final ModuleContainer container;
    private volatile Object source = this;

    ContainerBean(ModuleContainer container) {
        super(notificationInfo());
        this.container = container;
    }

    private static MBeanNotificationInfo notificationInfo() {
        ModuleEvent.Type[] types = ModuleEvent.Type.values();
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = type(types[i]);
        }
        return new MBeanNotificationInfo(names, Notification.class.getName(), "kmod4j container events (dmesg)");
    }

    static String type(ModuleEvent.Type type) {
        return NOTIFICATION_PREFIX + type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The ObjectName notifications name as their source, once registered. */
    void source(Object name) {
        this.source = name;
    }

    @Override
    public void event(ModuleEvent event) {
        Notification n = new Notification(type(event.type()), source, event.sequence(), System.currentTimeMillis(),
                event.dmesgLine());
        n.setUserData(event.module().orElse(null));
        sendNotification(n);
    }

    @Override
    public String getTaints() {
        return Taint.letters(container.taints());
    }

    @Override
    public int getModuleCount() {
        return container.modules().size();
    }

    /** kmod's lsmod: {@code printf("%-19s %8ld  %d", name, size, refcnt)}, then {@code " holder1,holder2"}. */
    @Override
    public String lsmod() {
        StringBuilder out = new StringBuilder("Module                  Size  Used by\n");
        for (Module module : container.modules()) {
            out.append(String.format("%-19s %8d  %d", module.name(), module.size(), module.refcount()));
            List<String> holders = module.holders();
            if (!holders.isEmpty()) {
                out.append(' ').append(String.join(",", holders));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public String[] dmesg() {
        return container.dmesg().toArray(new String[0]);
    }

    @Override
    public String insmod(String file, String[] parameters) {
        try {
            List<String> tokens = parameters == null ? List.of() : List.of(parameters);
            return container.load(Path.of(file), LoadOptions.of(LoadOptions.parseParameters(tokens))).name();
        } catch (ModuleException e) {
            throw failure("insmod", e);
        } catch (InvalidPathException e) {
            throw failure("insmod", new ModuleException(Errno.ENOENT, "could not load module " + file + ": " + e.getMessage()));
        }
    }

    @Override
    public void rmmod(String name, boolean force) {
        try {
            container.unload(name, UnloadOptions.defaults().withForce(force));
        } catch (ModuleException e) {
            throw failure("rmmod", e);
        }
    }

    @Override
    public String[] modprobe(String nameOrAlias) {
        try {
            List<String> names = new ArrayList<>();
            for (Module module : container.requestModule(nameOrAlias)) {
                names.add(module.name());
            }
            return names.toArray(new String[0]);
        } catch (ModuleException e) {
            throw failure("modprobe", e);
        }
    }

    @Override
    public Map<String, String> modinfo(String nameOrFile) {
        try {
            Map<String, String> out = new LinkedHashMap<>();
            Map<String, List<String>> fields;
            if (nameOrFile.endsWith(".jar")) {
                ModuleInfo info = container.inspect(Path.of(nameOrFile));
                out.put("filename", info.filename());
                out.put("name", info.name());
                out.put("version", info.version());
                fields = info.fields();
            } else {
                Module module = container.find(nameOrFile).orElseThrow(
                        () -> new ModuleException(Errno.ENOENT, "Module " + nameOrFile + " not found."));
                out.put("filename", module.filename());
                out.put("name", module.name());
                out.put("version", module.version());
                out.put("state", module.state().name().toLowerCase(java.util.Locale.ROOT));
                out.put("refcnt", Integer.toString(module.refcount()));
                out.put("holders", String.join(", ", module.holders()));
                fields = module.info();
            }
            fields.forEach((key, values) -> out.putIfAbsent(key, String.join(", ", values)));
            return out;
        } catch (ModuleException e) {
            throw failure("modinfo", e);
        } catch (InvalidPathException e) {
            throw failure("modinfo", new ModuleException(Errno.ENOENT, "Module " + nameOrFile + " not found."));
        }
    }

    /**
     * A failure a JMX client can read without kmod4j's classes (ModuleException is not on its
     * class path): the errno name, then kmod's line.
     */
    static IllegalStateException failure(String command, ModuleException e) {
        return new IllegalStateException(e.errno().name() + ": " + command + ": ERROR: " + e.getMessage());
    }
}
