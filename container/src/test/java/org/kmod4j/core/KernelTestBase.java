package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;

/** A kernel on an in-memory host, with jar writing and state snapshots for "no trace" checks. */
abstract class KernelTestBase {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    TestHost host;
    KernelLog log;
    ExecutorService executor;
    Kernel kernel;
    TestJars jars;

    @Before
    public void setUpKernel() {
        TestModules.reset();
        host = new TestHost();
        log = new KernelLog(1024);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-srcu");
            t.setDaemon(true);
            return t;
        });
        kernel = new Kernel(host, executor, log);
        jars = new TestJars(tmp.getRoot().toPath());
    }

    @After
    public void tearDownKernel() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        TestModules.reset();
    }

    /** What "the container's state" is for the no-trace checks: modules, states, refs, bundles. */
    String state() {
        List<String> rows = new ArrayList<>();
        for (Module m : kernel.modules()) {
            rows.add(m.name() + " " + m.state() + " " + m.refcount() + " " + m.holders() + " " + m.parameters());
        }
        return rows + " bundles=" + host.installedNames() + " taints=" + kernel.taints();
    }

    static ModuleException expect(Errno errno, Runnable op) {
        try {
            op.run();
        } catch (ModuleException e) {
            assertEquals("errno of: " + e.getMessage(), errno, e.errno());
            return e;
        }
        fail("expected " + errno);
        return null;
    }
}
