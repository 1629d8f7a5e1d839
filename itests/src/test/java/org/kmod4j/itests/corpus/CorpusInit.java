package org.kmod4j.itests.corpus;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;

/**
 * A Module-Init for bundles BadInputCorpusIT generates at test time: its class file is copied
 * into each generated jar (so only org.kmod4j.api and java.* may be referenced). What it does
 * comes from the system property {@code kmod4j.corpus.<module name>}: {@code hang} (until
 * interrupted), {@code eperm}, {@code enodev}, {@code runtime}, {@code error}, {@code exit}
 * (exit throws); anything else loads normally.
 */
public class CorpusInit implements ModuleInit {

    @Override
    public void init(ModuleContext context) throws Exception {
        String what = System.getProperty("kmod4j.corpus." + context.module().name(), "");
        switch (what) {
            case "hang":
                while (true) {
                    Thread.sleep(60_000); // the init timeout interrupts it
                }
            case "eperm":
                throw new ModuleException(Errno.EPERM, "corpus init refuses");
            case "enodev":
                throw new ModuleException(Errno.ENODEV, "corpus init finds no device");
            case "runtime":
                throw new IllegalStateException("corpus init breaks");
            case "error":
                throw new NoClassDefFoundError("corpus/Missing");
            default:
        }
    }

    @Override
    public void exit(ModuleContext context) {
        if ("exit".equals(System.getProperty("kmod4j.corpus." + context.module().name()))) {
            throw new IllegalStateException("corpus exit breaks");
        }
    }
}
