package org.kmod4j.bench;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;

/** A Module-Init that does nothing. */
public final class NoopInit implements ModuleInit {
    @Override
    public void init(ModuleContext context) {
    }
}
