package org.kmod4j.management;

import java.util.List;
import java.util.Locale;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;

import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.Taint;

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
}
