package org.kmod4j.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kmod's words for a bad command line, the usage after them, and -h/--help. */
public class KmodCommandLineTest {

    @Command(name = "tool", description = "A tool.")
    static final class Options {
        @Option(names = {"-F", "--field"}, paramLabel = "FIELD")
        String field;

        @Option(names = {"-h", "--help"}, usageHelp = true)
        boolean help;

        @Parameters(paramLabel = "NAME")
        List<String> names = new ArrayList<>();
    }

    /** Parses with System.out and System.err captured: {out, err, failure or null}. */
    private static Object[] parse(String... arguments) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        ModuleException failure = null;
        Boolean goOn = null;
        try {
            goOn = KmodCommandLine.parse(null, new Options(), arguments);
        } catch (ModuleException x) {
            failure = x;
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Object[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), failure, goOn};
    }

    @Test
    public void anUnknownOptionIsGetoptsUnrecognizedOptionThenTheUsage() {
        Object[] r = parse("-l");
        assertEquals(Errno.EINVAL, ((ModuleException) r[2]).errno());
        String err = (String) r[1];
        assertTrue(err, err.startsWith("tool: unrecognized option '-l'\nUsage: tool [-h] [-F=FIELD] [NAME...]"));
        assertEquals("", r[0]);
    }

    @Test
    public void aMissingValueNamesTheOption() {
        assertTrue(r1(), r1().startsWith("tool: option '--field' requires an argument\n"));
    }

    private static String r1() {
        return (String) parse("-F")[1];
    }

    @Test
    public void helpIsTheUsageOnStdoutAndNothingElseToDo() {
        for (String help : new String[] {"-h", "--help"}) {
            Object[] r = parse(help);
            assertTrue((String) r[0], ((String) r[0]).startsWith("Usage: tool "));
            assertEquals("", r[1]);
            assertEquals(null, r[2]);
            assertFalse("the command stops", (Boolean) r[3]);
        }
    }

    @Test
    public void aGoodLineGoesOn() {
        Object[] r = parse("-F", "x", "a", "b");
        if (r[2] != null) {
            fail(String.valueOf(r[2]));
        }
        assertTrue((Boolean) r[3]);
    }
}
