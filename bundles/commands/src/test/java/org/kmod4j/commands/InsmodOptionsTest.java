package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

import picocli.CommandLine;

/** insmod's command line: --cascade beside --replace, and the usage line that shows both. */
public class InsmodOptionsTest {

    private static Insmod.Options parse(String... args) {
        Insmod.Options o = new Insmod.Options();
        CommandLine cli = new CommandLine(o);
        cli.setStopAtPositional(true);
        cli.parseArgs(args);
        return o;
    }

    @Test
    public void cascadeIsAnOptionBeforeTheFile() {
        Insmod.Options o = parse("--replace", "--cascade", "lib.jar", "k=v");
        assertTrue(o.replace);
        assertTrue(o.cascade);
        assertEquals("lib.jar", o.file);
        assertEquals(List.of("k=v"), o.parameters);
        assertFalse(parse("--replace", "lib.jar").cascade);
    }

    @Test
    public void theUsageLineShowsCascade() {
        String usage = new CommandLine(new Insmod.Options()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage, usage.contains("Usage: insmod [-hp] [--cascade] [--replace] [FILE] [key=value...]"));
        assertTrue(usage, usage.matches("(?s).*\\n +--cascade +With --replace: replace the modules wired to it too.*"));
    }
}
