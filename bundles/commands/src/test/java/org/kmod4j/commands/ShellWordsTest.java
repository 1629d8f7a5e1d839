package org.kmod4j.commands;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.Set;

import org.junit.Test;

/** The shell's own answers: the nearest command for a typo, and head/tail's -N. */
public class ShellWordsTest {

    private static final Set<String> COMMANDS = Set.of("lsmod", "insmod", "rmmod", "modinfo", "lb", "ls", "help");

    @Test
    public void aSwapOfTwoLettersIsOneEdit() {
        assertEquals(1, CommandNotFound.distance("lsmdo", "lsmod"));
        assertEquals("lsmod", CommandNotFound.suggest("lsmdo", COMMANDS));
        assertEquals("rmmod", CommandNotFound.suggest("rmod", COMMANDS));
        assertEquals("modinfo", CommandNotFound.suggest("modnifo", COMMANDS));
    }

    @Test
    public void nothingIsSuggestedForAWordFarFromEveryCommand() {
        assertNull(CommandNotFound.suggest("frobnicate", COMMANDS));
        assertNull("a one-letter word is no typo of a two-letter command", CommandNotFound.suggest("x", COMMANDS));
    }

    @Test
    public void minusNumberIsMinusNNumber() {
        assertArrayEquals(new String[] {"-n", "2"}, HeadTail.numberOption("-2"));
        assertArrayEquals(new String[] {"-n", "3", "f"}, HeadTail.numberOption("-n", "3", "f"));
        assertArrayEquals(new String[] {"-", "-x"}, HeadTail.numberOption("-", "-x"));
    }
}
