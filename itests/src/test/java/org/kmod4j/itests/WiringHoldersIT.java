package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.lsmod;
import static org.kmod4j.itests.Kmod.lsmodRow;
import static org.kmod4j.itests.Kmod.servicesOf;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.kmod4j.itests.Kmod.trace;

import java.util.List;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.kmod4j.paxexam.KmodTestSupport;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Holders come from every wire of a module's wiring: a DS bundle holds Felix SCR through its
 * osgi.extender wire, a Require-Capability user holds its provider, SCR holds ConfigAdmin through an
 * optional import, and a DynamicImport-Package wire holds from the moment it exists. Real bundles
 * from Maven Central (SCR 2.2.10, ConfigAdmin 1.9.26) and test modules built in the reactor.
 */
public class WiringHoldersIT extends KmodTestSupport {
    static final String SCR = "org.apache.felix.scr";



    @Inject
    private CommandProcessor processor;


    @After
    public void unloadEverything() {
        assertNothingLiveThatFelixStopped();
    }

    private Module load(String key) {
        return container.load(KmodOptions.jar(key), LoadOptions.defaults());
    }

    /** SCR and the OSGi API bundles it imports, in dependency order. */
    private Module loadScr() {
        load("osgi.function");
        load("osgi.promise");
        load("osgi.component");
        return load("scr");
    }

    /** The holders lsmod shows in one module's "Used by" column ("" for none). */
    private String usedBy(String name) {
        String row = lsmodRow(lsmod(processor), name);
        assertNotNull(name + " in lsmod", row);
        String[] cols = row.trim().split("\\s+"); // name size refcount [holders] state
        return cols.length == 5 ? cols[3] : "";
    }

    /** The invariant: lsmod never calls a module Live whose bundle Felix does not run. */
    private void assertNothingLiveThatFelixStopped() {
        for (Module m : container.modules()) {
            if (m.state() == ModuleState.LIVE) {
                assertEquals(m.name() + " is Live, so its bundle must be ACTIVE", Bundle.ACTIVE, m.bundle().getState());
            }
        }
    }

    private void assertRefusedAsHeld(String provider, String holders) {
        String held = snapshot(bundleContext, container, processor);
        ModuleException e = failure(Errno.EWOULDBLOCK, () -> container.unload(provider, UnloadOptions.defaults()));
        assertEquals("Module " + provider + " is in use by: " + holders, e.getMessage());
        assertNoTrace("rmmod " + provider + " while held", held, bundleContext, container, processor);
        e = failure(Errno.EWOULDBLOCK, () -> container.unload(provider, UnloadOptions.defaults().withForce(true)));
        assertEquals("Module " + provider + " is in use by: " + holders, e.getMessage());
        assertNoTrace("rmmod -f " + provider + " while held", held, bundleContext, container, processor);
        Kmod.CommandResult shell = Kmod.run(processor, "kmod:rmmod " + provider);
        assertTrue(shell.toString(), (shell.out + shell.err).contains("Module " + provider + " is in use by: " + holders));
        assertNoTrace("kmod:rmmod " + provider + " while held", held, bundleContext, container, processor);
    }

    @Test
    public void aDeclarativeServicesBundleHoldsScrThroughItsExtenderWire() {
        clearTrace("tm_ds");
        Module scr = loadScr();
        Module ds = load("tm-ds");
        List<ServiceReference<?>> refs = servicesOf(bundleContext, "tm_ds");
        assertEquals("SCR registered the component's service", 1, refs.size());
        // held while the checks run: SCR deactivates a delayed component when its last user lets go
        assertEquals("hello from a DS component", ((Supplier<?>) bundleContext.getService(refs.get(0))).get());
        assertEquals("activate;", trace("tm_ds"));

        assertEquals(List.of("tm_ds"), scr.holders());
        assertTrue(ds.uses().contains(SCR));
        assertEquals("tm_ds", usedBy(SCR));
        assertEquals(SCR, usedBy("org.osgi.service.component"));
        assertRefusedAsHeld(SCR, "tm_ds");
        assertNothingLiveThatFelixStopped();
        assertEquals("the component stayed active", "activate;", trace("tm_ds"));
        bundleContext.ungetService(refs.get(0));

        container.unload("tm_ds", UnloadOptions.defaults());
        assertEquals("activate;deactivate;", trace("tm_ds"));
        container.unload(SCR, UnloadOptions.defaults());
        container.unload("org.osgi.service.component", UnloadOptions.defaults());
        container.unload("org.osgi.util.promise", UnloadOptions.defaults());
        container.unload("org.osgi.util.function", UnloadOptions.defaults());
        assertTrue(container.modules().isEmpty());
    }

    @Test
    public void scrHoldsConfigAdminThroughItsOptionalImport() {
        load("configadmin");
        loadScr();
        assertEquals(SCR, usedBy("org.apache.felix.configadmin"));
        assertRefusedAsHeld("org.apache.felix.configadmin", SCR);
        container.unload(SCR, UnloadOptions.defaults());
        assertEquals(List.of(), container.find("org.apache.felix.configadmin").orElseThrow().holders());
        container.unload("org.apache.felix.configadmin", UnloadOptions.defaults());
    }

    @Test
    public void aRequireCapabilityUserHoldsItsProvider() {
        Module provider = load("tm-capprovider");
        Module user = load("tm-capuser");
        assertEquals(List.of("acc.capuser"), provider.holders());
        assertEquals(List.of("acc.capprovider"), user.uses());
        assertEquals(1, provider.refcount());
        assertEquals("acc.capuser", usedBy("acc.capprovider"));
        assertRefusedAsHeld("acc.capprovider", "acc.capuser");
        assertNothingLiveThatFelixStopped();

        container.unload("acc.capuser", UnloadOptions.defaults());
        assertEquals(List.of(), provider.holders());
        container.unload("acc.capprovider", UnloadOptions.defaults());
    }

    @Test
    public void aDynamicImportHoldsFromTheMomentItIsWired() {
        Module lib = load("tm-lib");
        load("tm-dynamic");
        assertEquals("no wire before the first class is loaded through it", List.of(), lib.holders());
        assertEquals(0, lib.refcount());

        List<ServiceReference<?>> refs = servicesOf(bundleContext, "tm_dynamic");
        assertEquals(1, refs.size());
        assertEquals("hello tm_dynamic from tm_lib", ((Supplier<?>) bundleContext.getService(refs.get(0))).get());
        bundleContext.ungetService(refs.get(0));

        assertEquals("tm_dynamic", usedBy("tm_lib"));
        assertEquals(List.of("tm_dynamic"), lib.holders());
        assertEquals(1, lib.refcount());
        assertRefusedAsHeld("tm_lib", "tm_dynamic");

        container.unload("tm_dynamic", UnloadOptions.defaults());
        assertEquals(0, lib.refcount());
        container.unload("tm_lib", UnloadOptions.defaults());
    }

    @Test
    public void aFragmentOfAResolvedHostIsRefusedOrHoldsItsHost() {
        String empty = snapshot(bundleContext, container, processor);
        ModuleException e = failure(Errno.ENOENT, () -> load("tm-fragment"));
        // the filter is the framework's own text: Felix writes (&(osgi.wiring.host=acc.host)...), Equinox (osgi.wiring.host=acc.host)
        assertTrue(e.getMessage(), e.getMessage().contains("missing requirement: osgi.wiring.host ("));
        assertTrue(e.getMessage(), e.getMessage().contains("(osgi.wiring.host=acc.host)"));
        assertNoTrace("insmod a fragment without its host", empty, bundleContext, container, processor);

        load("tm-host");
        assertEquals("acc.host", dependsOf("tm-fragment"));
        String hostLoaded = snapshot(bundleContext, container, processor);
        Module fragment;
        try {
            fragment = load("tm-fragment");
        } catch (ModuleException refused) {
            // Felix 7 attaches a fragment only while its host resolves; a live host is not refreshed behind its back
            assertEquals(refused.getMessage(), Errno.EBUSY, refused.errno());
            assertTrue(refused.getMessage(), refused.getMessage().contains("fragment of acc.host, which is already resolved"));
            assertNoTrace("insmod a fragment of a resolved host", hostLoaded, bundleContext, container, processor);
            return;
        }
        // Equinox attaches a fragment to a resolved host when it adds no imports: then the fragment holds its host
        assertEquals("acc.fragment", fragment.name());
        assertEquals("acc.fragment", usedBy("acc.host"));
        assertRefusedAsHeld("acc.host", "acc.fragment");
        container.unload("acc.fragment", UnloadOptions.defaults());
        // the refresh that removes the fragment takes its host too: the container follows the
        // framework's stop of the host and unloads it (never shown Live while stopped)
        await("acc.host follows its refresh", () -> container.modules().stream().noneMatch(m -> m.name().equals("acc.host")));
    }

    /** {@code modinfo -F depends FILE}. */
    private String dependsOf(String key) {
        return Kmod.ok(processor, "kmod:modinfo -F depends " + KmodOptions.jar(key)).trim();
    }

    @Test
    public void modinfoOfAJarNotLoadedComputesDependsFromItsMandatoryRequirements() {
        assertEquals("nothing loaded: the requirement itself",
                "osgi.extender (&(osgi.extender=osgi.component)(version>=1.5.0)(!(version>=2.0.0)))", dependsOf("tm-ds"));
        assertEquals("acc.cap (acc.cap=x)", dependsOf("tm-capuser"));
        assertEquals("a DynamicImport-Package is no dependency", "", dependsOf("tm-dynamic"));
        loadScr();
        load("tm-capprovider");
        assertEquals(SCR, dependsOf("tm-ds"));
        assertEquals("acc.capprovider", dependsOf("tm-capuser"));
        // SCR's optional imports and DynamicImport-Package (cm, log, metatype, gogo) are not listed
        assertEquals("org.osgi.service.component,org.osgi.util.promise", dependsOf("scr"));
    }

    @Test
    public void unknownSymbolNamesOnlyMandatoryRequirements() {
        String before = snapshot(bundleContext, container, processor);
        // SCR without its API bundles: org.osgi.service.component and org.osgi.util.promise are mandatory;
        // its optional imports and its DynamicImport-Package (cm, log, metatype) are not missing
        ModuleException e = failure(Errno.ENOENT, () -> load("scr"));
        String message = e.getMessage();
        assertTrue(message, message.contains("Unknown symbol in module (missing requirement"));
        assertTrue(message, message.contains("org.osgi.service.component"));
        assertTrue(message, message.contains("org.osgi.util.promise"));
        for (String optional : List.of("org.osgi.service.cm", "org.osgi.service.log", "org.osgi.service.metatype",
                "org.apache.felix.service.command")) {
            assertFalse(optional + " is optional: " + message, message.contains(optional));
        }
        assertNoTrace("insmod scr without its dependencies", before, bundleContext, container, processor);

        e = failure(Errno.ENOENT, () -> load("tm-capuser"));
        assertTrue(e.getMessage(), e.getMessage().contains("acc.cap (acc.cap=x)"));
        assertNoTrace("insmod acc.capuser without its provider", before, bundleContext, container, processor);
    }
}
