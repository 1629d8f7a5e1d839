package org.kmod4j.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;

/** Module-Init behaviour for core tests, chosen per module name. */
final class TestModules {
    /** What a test module does in init and exit. */
    interface Action {
        void run(ModuleContext context) throws Exception;
    }

    static final Map<String, Action> INIT = new ConcurrentHashMap<>();
    static final Map<String, Action> EXIT = new ConcurrentHashMap<>();
    /** "init NAME" / "exit NAME" in call order. */
    static final List<String> CALLS = new CopyOnWriteArrayList<>();

    private TestModules() {
    }

    static void reset() {
        INIT.clear();
        EXIT.clear();
        CALLS.clear();
    }

    public static final class Init implements ModuleInit {
        @Override
        public void init(ModuleContext context) throws Exception {
            String name = context.module().name();
            CALLS.add("init " + name);
            Action a = INIT.get(name);
            if (a != null) {
                a.run(context);
            }
        }

        @Override
        public void exit(ModuleContext context) throws Exception {
            String name = context.module().name();
            CALLS.add("exit " + name);
            Action a = EXIT.get(name);
            if (a != null) {
                a.run(context);
            }
        }
    }

    /** Not a ModuleInit: loading a module naming it must fail with ENOEXEC. */
    public static final class NotAnInit {
    }
}
