package org.kmod4j.modprobe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;

import org.junit.Test;

public class TopoOrderTest {

    @Test
    public void chain() {
        Map<String, List<String>> deps = Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of());
        assertEquals(List.of(List.of("c"), List.of("b"), List.of("a")), TopoOrder.layers(List.of("a", "b", "c"), deps::get));
        assertEquals(List.of("c", "b", "a"), TopoOrder.order(List.of("a", "b", "c"), deps::get));
    }

    @Test
    public void diamondPutsIndependentModulesInOneLayer() {
        Map<String, List<String>> deps = Map.of("d", List.of("b", "e"), "b", List.of("c"), "e", List.of("c"), "c", List.of());
        assertEquals(List.of(List.of("c"), List.of("b", "e"), List.of("d")),
                TopoOrder.layers(List.of("b", "c", "d", "e"), deps::get));
    }

    @Test
    public void edgesOutsideTheSetAndSelfEdgesAreIgnored() {
        Map<String, List<String>> deps = Map.of("a", List.of("a", "installed"), "b", List.of("a"));
        assertEquals(List.of(List.of("a"), List.of("b")), TopoOrder.layers(List.of("b", "a"), deps::get));
    }

    @Test
    public void cycleIsReported() {
        Map<String, List<String>> deps = Map.of("a", List.of("b"), "b", List.of("a"), "c", List.of());
        try {
            TopoOrder.layers(List.of("a", "b", "c"), deps::get);
            fail();
        } catch (TopoOrder.CycleException e) {
            assertEquals(List.of("a", "b"), e.nodes);
            assertTrue(e.getMessage().contains("cycle"));
        }
    }
}
