package org.kmod4j.examples.modulewatch;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.api.annotation.ModuleParameter;

/**
 * The <em>notifier</em> example: hooks every other module as it loads and unloads, as a Linux
 * module does with {@code register_module_notifier} in its init (ftrace, kprobes and livepatch
 * hook modules this way).
 *
 * <p>In init it registers a {@link ModuleNotifier} through
 * {@link ModuleContext#registerNotifier(ModuleNotifier, int)}, which ties the notifier to this
 * module's lifetime: the container unregisters it when {@code module_watch} goes, so the module
 * needs no exit. The notifier logs each event of another module: {@code COMING} (before that
 * module's init), {@code LIVE} (after it) and {@code GOING} (on unload after its exit, or when its
 * init failed). A notifier that throws a {@link ModuleException} on {@code COMING} vetoes the
 * load: modules named in the {@code deny} parameter are refused with EPERM, and the refused load
 * leaves no trace.
 *
 * <p>Try it in the shell:
 * <pre>
 * g! insmod module-watch.jar deny=pcc_cpufreq
 * g! insmod hello.jar; rmmod hello
 * g! dmesg | grep module_watch      # hello COMING, hello LIVE, hello GOING
 * g! insmod cpufreq.jar; insmod pcc-cpufreq.jar   # ERROR: ... Operation not permitted
 * g! rmmod module_watch cpufreq
 * </pre>
 */
@ModuleName("module_watch")
@ModuleDescription("Logs every other module's COMING, LIVE and GOING events; can veto loads")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
@ModuleParameter(name = "deny", description = "Modules whose load to refuse, comma-separated")
@ModuleInitializer
public final class ModuleWatchModule implements ModuleInit {

    @Override
    public void init(ModuleContext context) {
        String self = context.module().name();
        Set<String> deny = parseNames(context.parameter("deny"));
        ModuleNotifier watcher = (event, module) -> onEvent(context, self, deny, event, module);
        context.registerNotifier(watcher, 0);
        context.log("watching module loads" + (deny.isEmpty() ? "" : ", denying " + deny));
    }

    private static void onEvent(ModuleContext context, String self, Set<String> deny, ModuleState event,
            Module module) {
        if (module.name().equals(self)) {
            return; // our own GOING: the notifier is unregistered right after it
        }
        if (event == ModuleState.COMING && deny.contains(module.name())) {
            context.log(module.name() + " COMING: denied");
            throw new ModuleException(Errno.EPERM, "module_watch denies loading " + module.name());
        }
        context.log(module.name() + " " + event + " (version " + module.version() + ", uses " + module.uses() + ")");
    }

    static Set<String> parseNames(String value) {
        Set<String> names = new TreeSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
        }
        return names;
    }
}
