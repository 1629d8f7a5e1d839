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
 * Every Java and XML snippet in README.md is a verbatim copy of (a part of) a file the build
 * compiles and runs: the project the archetype generates (its reference copy, which the archetype
 * integration test compares with the generated project and builds with mvn verify).
 */
public class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path GENERATED = Path.of("src/test/resources/projects/basic/reference");
    private static final Pattern SNIPPET = Pattern.compile("(?ms)^```(java|xml)\\n(.*?)^```$");

    @Test
    public void everyJavaAndXmlSnippetIsCopiedFromTheGeneratedProject() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> sources = sources();
        Matcher m = SNIPPET.matcher(readme);
        List<String> snippets = new ArrayList<>();
        while (m.find()) {
            snippets.add(m.group(2));
        }
        assertFalse("README.md has no java or xml snippets", snippets.isEmpty());
        for (String snippet : snippets) {
            assertTrue("README.md snippet is not a copy of a file of " + GENERATED + ":\n" + snippet,
                    sources.stream().anyMatch(s -> s.contains(snippet)));
        }
    }

    private static List<String> sources() throws IOException {
        try (Stream<Path> files = Files.walk(GENERATED)) {
            return files.filter(Files::isRegularFile).map(ReadmeSnippetsTest::read).collect(Collectors.toList());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
