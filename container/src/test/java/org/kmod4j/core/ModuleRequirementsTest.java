package org.kmod4j.core;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

/** modinfo FILE's depends: the jar's mandatory requirements, named by the loaded modules satisfying them. */
public class ModuleRequirementsTest extends KernelTestBase {

    private List<String> depends(String... headers) throws Exception {
        return kernel.inspect(jars.module("probe", headers)).fields().get("depends");
    }

    @Test
    public void aSatisfiedRequirementIsNamedByTheLoadedModule() throws Exception {
        kernel.load(jars.module("lib"), null);
        assertEquals(List.of("lib"), depends("Require-Bundle", "lib;bundle-version=\"[0,2)\""));
    }

    @Test
    public void anUnsatisfiedRequirementIsNamedByItself() throws Exception {
        assertEquals(List.of("lib"), depends("Require-Bundle", "lib"));
        assertEquals(List.of("org.nowhere"), depends("Import-Package", "org.nowhere;version=\"[1,2)\""));
        assertEquals(List.of("acc.cap (acc.cap=x)"), depends("Require-Capability", "acc.cap;filter:=\"(acc.cap=x)\""));
    }

    @Test
    public void optionalDynamicAndActiveTimeRequirementsAreNoDependencies() throws Exception {
        assertEquals(List.of(), depends(
                "Import-Package", "org.optional;resolution:=optional",
                "DynamicImport-Package", "org.dynamic",
                "Require-Capability", "osgi.service;filter:=\"(objectClass=x)\";effective:=active"));
    }

    @Test
    public void aLoadedModuleIsNamedOnceForManyRequirements() throws Exception {
        kernel.load(jars.module("lib"), null);
        assertEquals(List.of("lib"), depends("Require-Capability", "x;filter:=\"(n=lib)\"", "Require-Bundle", "lib"));
    }
}
