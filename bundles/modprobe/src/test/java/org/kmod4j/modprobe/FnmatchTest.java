package org.kmod4j.modprobe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class FnmatchTest {

    @Test
    public void literalAndStar() {
        assertTrue(Fnmatch.matches("snd-card-*", "snd-card-0"));
        assertTrue(Fnmatch.matches("snd-card-*", "snd-card-"));
        assertFalse(Fnmatch.matches("snd-card-*", "snd-car"));
        assertTrue(Fnmatch.matches("*", ""));
        assertTrue(Fnmatch.matches("a*b*c", "aXXbYYc"));
        assertTrue(Fnmatch.matches("a*b*c", "abcbc"));
        assertFalse(Fnmatch.matches("a*b*c", "abcb"));
        assertTrue(Fnmatch.matches("pci:v00008086d*sv*", "pci:v00008086d00001234sv00000000"));
        assertTrue("no FNM_PATHNAME: * crosses '/'", Fnmatch.matches("a*z", "a/b/z"));
        assertFalse(Fnmatch.matches("abc", "abcd"));
        assertTrue(Fnmatch.matches("abc", "abc"));
    }

    @Test
    public void questionMark() {
        assertTrue(Fnmatch.matches("mod?", "mod1"));
        assertFalse(Fnmatch.matches("mod?", "mod"));
        assertFalse(Fnmatch.matches("mod?", "mod12"));
    }

    @Test
    public void brackets() {
        assertTrue(Fnmatch.matches("card[0-9]", "card7"));
        assertFalse(Fnmatch.matches("card[0-9]", "cardx"));
        assertTrue(Fnmatch.matches("card[!0-9]", "cardx"));
        assertTrue(Fnmatch.matches("card[^0-9]", "cardx"));
        assertFalse(Fnmatch.matches("card[!0-9]", "card3"));
        assertTrue(Fnmatch.matches("x[]]", "x]"));
        assertTrue(Fnmatch.matches("x[a-c-]", "x-"));
        assertTrue(Fnmatch.matches("x[abc]y", "xby"));
        assertTrue("unterminated '[' is literal", Fnmatch.matches("x[ab", "x[ab"));
    }

    @Test
    public void escapes() {
        assertTrue(Fnmatch.matches("a\\*b", "a*b"));
        assertFalse(Fnmatch.matches("a\\*b", "axb"));
        assertTrue(Fnmatch.matches("a\\?", "a?"));
    }

    @Test
    public void normalisation() {
        assertEquals("snd_card_[0-9]", Fnmatch.normalizeAlias("snd-card-[0-9]"));
        assertEquals("a_b", Fnmatch.normalizeName("a-b"));
        assertTrue(Fnmatch.aliasMatches("snd-card-*", "snd_card_3"));
        assertTrue(Fnmatch.aliasMatches("snd_card_[0-9]", "snd-card-3"));
        assertTrue("a '-' inside brackets stays a range", Fnmatch.aliasMatches("x[a-c]", "xb"));
    }
}
