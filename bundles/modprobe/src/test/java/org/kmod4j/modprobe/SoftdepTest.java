package org.kmod4j.modprobe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

public class SoftdepTest {

    @Test
    public void preAndPost() {
        Softdep s = Softdep.parse("pre: a b post: c");
        assertEquals(List.of("a", "b"), s.pre);
        assertEquals(List.of("c"), s.post);
        assertEquals("pre: a b post: c", s.toString());
    }

    @Test
    public void postOnlyRepeatedMarkersAndGluedNames() {
        Softdep s = Softdep.parse("post: x pre: y post:z");
        assertEquals(List.of("y"), s.pre);
        assertEquals(List.of("x", "z"), s.post);
    }

    @Test
    public void namesBeforeAnyMarkerAreIgnoredAndDuplicatesDropped() {
        Softdep s = Softdep.parse("stray pre: a a");
        assertEquals(List.of("a"), s.pre);
        assertTrue(s.post.isEmpty());
    }

    @Test
    public void emptyHeaders() {
        assertTrue(Softdep.parse(null).isEmpty());
        assertTrue(Softdep.parse("  ").isEmpty());
        assertTrue(Softdep.parse("pre: post:").isEmpty());
    }
}
