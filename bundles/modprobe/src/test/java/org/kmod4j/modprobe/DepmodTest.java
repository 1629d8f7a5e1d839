package org.kmod4j.modprobe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.core.ModuleManifest;
import org.osgi.framework.Bundle;

/** depmod on jars made at test time, then the Felix resolver's plan over the index alone. */
public class DepmodTest {
    private Path dir;

    @Before
    public void jars() throws Exception {
        dir = Files.createTempDirectory("depmod");
        jar("c.jar", "t.c", "Export-Package", "t.c;version=1.0", "Module-Alias", "tc-*");
        jar("b.jar", "t.b", "Import-Package", "t.c", "Export-Package", "t.b");
        jar("e.jar", "t.e", "Import-Package", "t.c", "Export-Package", "t.e", "Module-Name", "mod_e");
        jar("d.jar", "t.d", "Import-Package", "t.b,t.e", "Module-Softdep", "pre: x post: y z");
        jar("u.jar", "t.u", "Import-Package", "t.b,nowhere.pkg");
        Files.writeString(dir.resolve("readme.jar"), "not a jar");
    }

    private Path jar(String file, String bsn, String... headers) throws Exception {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        for (int i = 0; i < headers.length; i += 2) {
            a.putValue(headers[i], headers[i + 1]);
        }
        Path p = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream jar = new JarOutputStream(out, mf)) {
            // manifest only
        }
        return p;
    }

    /** The container's own manifest reading (what ModuleContainer.inspect does). */
    static ModuleInfo inspect(Path jar) {
        try (ModuleManifest m = ModuleManifest.read(jar)) {
            return m;
        }
    }

    private Modprobe modprobe() {
        ModuleContainer none = (ModuleContainer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ModuleContainer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("modules")) {
                        return List.of();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new Modprobe(new Modprobe.Environment() {
            @Override
            public ModuleContainer container() {
                return none;
            }

            @Override
            public Bundle[] bundles() {
                return new Bundle[0];
            }

            @Override
            public Path modulesDir() {
                return dir;
            }

            @Override
            public Path configFile() {
                return dir.resolve("modprobe.conf");
            }
        }, Runnable::run);
    }

    @Test
    public void indexesModulesWithNameAliasAndSoftdepAndReusesUnchangedJars() throws Exception {
        ModuleIndex.Result first = ModuleIndex.depmod(dir, DepmodTest::inspect, null);
        assertEquals(5, first.modules);
        assertEquals(5, first.analysed);
        assertEquals(1, first.skipped.size());
        String xml = Files.readString(dir.resolve("index.xml"), StandardCharsets.UTF_8);
        assertTrue(xml, xml.contains("kmod4j.module") && xml.contains("tc-*") && xml.contains("osgi.wiring.package"));

        ModuleIndex index = ModuleIndex.read(dir);
        assertEquals(List.of("mod_e", "t.b", "t.c", "t.d", "t.u"),
                index.entries.stream().map(e -> e.name).sorted().collect(Collectors.toList()));
        assertEquals("t.c", index.byAlias("tc-17").get(0).name);
        assertEquals(List.of("x"), index.byName("t.d").get(0).softdep.pre);
        assertEquals(List.of("y", "z"), index.byName("t.d").get(0).softdep.post);
        assertEquals(dir.resolve("c.jar").toAbsolutePath(), index.byName("t.c").get(0).path);

        ModuleIndex.Result second = ModuleIndex.depmod(dir, DepmodTest::inspect, null);
        assertEquals(0, second.analysed);
        assertEquals(5, second.reused);

        jar("b.jar", "t.b", "Import-Package", "t.c", "Export-Package", "t.b", "Module-Alias", "bee");
        Files.setLastModifiedTime(dir.resolve("b.jar"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        ModuleIndex.Result third = ModuleIndex.depmod(dir, DepmodTest::inspect, null);
        assertEquals(1, third.analysed);
        assertEquals(4, third.reused);
        assertEquals("t.b", ModuleIndex.read(dir).byAlias("bee").get(0).name);
    }

    @Test
    public void progressLinesForLargeFolders() throws Exception {
        for (int i = 0; i < ModuleIndex.PROGRESS_THRESHOLD; i++) {
            jar("many-" + i + ".jar", "many.m" + i);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModuleIndex.depmod(dir, DepmodTest::inspect, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out, out.contains("depmod: 50/106 jars"));
        assertTrue(out, out.contains("depmod: 106/106 jars"));
    }

    @Test
    public void resolverPlansChainAndDiamondInLayers() {
        ModuleIndex.depmod(dir, DepmodTest::inspect, null);
        Modprobe modprobe = modprobe();
        ModuleIndex index = modprobe.index();
        List<List<String>> layers = new ArrayList<>();
        for (List<IndexEntry> layer : modprobe.plan(index.byName("t.d").get(0), false)) {
            layers.add(layer.stream().map(e -> e.name).collect(Collectors.toList()));
        }
        assertEquals(List.of(List.of("t.c"), List.of("t.b", "mod_e"), List.of("t.d")), layers);
    }

    @Test
    public void unresolvableRequirementIsENOENTNamingIt() {
        ModuleIndex.depmod(dir, DepmodTest::inspect, null);
        Modprobe modprobe = modprobe();
        try {
            modprobe.plan(modprobe.index().byName("t.u").get(0), false);
            fail();
        } catch (ModuleException e) {
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("nowhere.pkg"));
            assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert 't.u': "));
        }
    }

    @Test
    public void noIndexIsENOENT() throws Exception {
        try {
            ModuleIndex.read(Files.createTempDirectory("empty"));
            fail();
        } catch (ModuleException e) {
            assertEquals(Errno.ENOENT, e.errno());
        }
    }
}
