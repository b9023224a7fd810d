package io.zeroserve.perf.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * perf/run compiles this package with plain javac and no classpath: a class here that imports zeroserve, Helidon or
 * any other library breaks perf/run on a fresh machine. Benchmarks that need those belong in another package.
 */
class HarnessIsJdkOnlyTest {
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void harnessSourcesImportOnlyTheJdk() throws IOException {
        Path dir = Path.of("src/main/java/io/zeroserve/perf/harness");
        List<String> offending = new ArrayList<>();
        List<Path> sources;
        try (var list = Files.list(dir)) {
            sources = list.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() > 5, "harness sources found in " + dir.toAbsolutePath());
        for (Path p : sources) {
            Matcher m = IMPORT.matcher(Files.readString(p));
            while (m.find()) {
                String name = m.group(1);
                if (!name.startsWith("java.") && !name.startsWith("javax.")) {
                    offending.add(p.getFileName() + ": " + name);
                }
            }
        }
        assertTrue(offending.isEmpty(), () -> "perf/run compiles io.zeroserve.perf.harness with the JDK alone;"
                + " move these out of the package: " + offending);
    }
}
