package org.kmod4j.archetype;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * Every Java and XML snippet in README.md is a copy of (a part of) a file the build compiles and
 * runs: the project the archetype generates (its reference copy, which the archetype integration
 * test compares with the generated project and builds with mvn verify), or the embedded-Felix test
 * of kmod4j-admin. Lines are compared without their leading blanks, so a snippet may be cut out of
 * an indented method body.
 */
public class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path GENERATED = Path.of("src/test/resources/projects/basic/reference");
    private static final Path EMBEDDED = ROOT.resolve("bundles/admin/src/test/java/org/kmod4j/admin/AdminEmbeddedFelixIT.java");
    private static final Pattern SNIPPET = Pattern.compile("(?ms)^```(java|xml)\\n(.*?)^```$");

    @Test
    public void everyJavaAndXmlSnippetIsCopiedFromTheGeneratedProject() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> sources = sources();
        Matcher m = SNIPPET.matcher(readme);
        List<String> snippets = new ArrayList<>();
        while (m.find()) {
            snippets.add(unindented(m.group(2)));
        }
        assertFalse("README.md has no java or xml snippets", snippets.isEmpty());
        for (String snippet : snippets) {
            assertTrue("README.md snippet is not a copy of a file of " + GENERATED + " or of " + EMBEDDED + ":\n" + snippet,
                    sources.stream().anyMatch(s -> s.contains(snippet)));
        }
    }

    private static List<String> sources() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.walk(GENERATED), Stream.of(EMBEDDED))) {
            return files.filter(Files::isRegularFile).map(ReadmeSnippetsTest::read).map(ReadmeSnippetsTest::unindented)
                    .collect(Collectors.toList());
        }
    }

    private static String unindented(String text) {
        return text.lines().map(String::stripLeading).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
