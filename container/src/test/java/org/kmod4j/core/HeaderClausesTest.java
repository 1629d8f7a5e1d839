package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.Test;

public class HeaderClausesTest {

    @Test
    public void aPathMayHoldAColonAsKmodAliasesDo() {
        List<HeaderClauses.Clause> clauses = HeaderClauses.parse("pci:v00008086d*, usb:v1234p*;x=1");
        assertEquals("pci:v00008086d*", clauses.get(0).path);
        assertEquals("usb:v1234p*", clauses.get(1).path);
        assertEquals(Map.of("x", "1"), clauses.get(1).attributes);
    }

    @Test
    public void aModuleMayDeclareTheAliasTheAnnotationDocuments() {
        java.util.jar.Attributes main = new java.util.jar.Attributes();
        main.putValue("Bundle-SymbolicName", "alias.check");
        main.putValue("Module-Alias", "pci:v00008086d*,greeter");
        assertEquals(List.of("pci:v00008086d*", "greeter"), ModuleManifest.checkHeaders(main).fields().get("alias"));
    }

    @Test
    public void aDirectiveAfterAPathIsStillADirective() {
        HeaderClauses.Clause c = HeaderClauses.parse("org.example.name;singleton:=true").get(0);
        assertEquals("org.example.name", c.path);
        assertEquals("true", c.attribute("singleton:"));
    }

    @Test
    public void anEqualsSignIsNoPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeaderClauses.parse("a=b"));
        assertEquals("unexpected '=' at position 1", e.getMessage());
    }
}
