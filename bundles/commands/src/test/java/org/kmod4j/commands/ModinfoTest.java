package org.kmod4j.commands;

import org.kmod4j.shell.CommandErrors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

public class ModinfoTest {

    private final Fakes.FakeContainer container = new Fakes.FakeContainer();
    private final Modinfo modinfo = new Modinfo(new ContainerAccess(() -> container));

    @Test
    public void loadedModuleShowsSignerAndOneSrcuLinePerDomain() {
        Fakes.FakeModule m = container.add("tm_x");
        m.domains.put("default", new Fakes.FakeDomain("default", 7, 0, false));
        m.domains.put("events", new Fakes.FakeDomain("events", 12, 3, true));
        m.holders.add("tm_y");
        m.refcount = 1;
        String text = modinfo.modinfo(Fakes.session(Map.of()), "tm_x");
        List<String> lines = List.of(text.split("\n"));
        assertTrue(text, lines.contains("signer:"));
        assertTrue(text, lines.contains("holders:        tm_y"));
        assertTrue(text, lines.contains("refcnt:         1"));
        assertEquals(text, List.of(
                "srcu:           default gp=7 pending=0 callbacks=no",
                "srcu:           events gp=12 pending=3 callbacks=yes"),
                lines.subList(lines.size() - 2, lines.size()));
    }

    @Test
    public void fieldSelectsSrcuLines() {
        Fakes.FakeModule m = container.add("tm_x");
        m.domains.put("default", new Fakes.FakeDomain("default", 2, 1, true));
        assertEquals("default gp=2 pending=1 callbacks=yes", modinfo.modinfo(Fakes.session(Map.of()), "-F", "srcu", "tm_x"));
        assertEquals("tm_x", modinfo.modinfo(Fakes.session(Map.of()), "-F", "name", "tm_x"));
    }

    @Test
    public void unknownModuleFailsOnceInKmodsWords() {
        Fakes.FakeModule m = container.add("tm_x");
        m.domains.clear();
        CommandErrorsTest.Captured c = CommandErrorsTest.capture(
                () -> modinfo.modinfo(Fakes.console(), "nosuch"));
        assertEquals("", c.err);
        assertEquals("modinfo: ERROR: Module nosuch not found.", c.failure.toString());
    }
}
