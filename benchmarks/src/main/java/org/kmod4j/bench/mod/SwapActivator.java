package org.kmod4j.bench.mod;

import java.util.function.IntUnaryOperator;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Registers {@link SwapService} as an IntUnaryOperator service; marks it stopped on stop. */
public final class SwapActivator implements BundleActivator {
    private SwapService service;

    @Override
    public void start(BundleContext context) {
        service = new SwapService();
        context.registerService(IntUnaryOperator.class, service, null);
    }

    @Override
    public void stop(BundleContext context) {
        service.stopped = true;
    }
}
