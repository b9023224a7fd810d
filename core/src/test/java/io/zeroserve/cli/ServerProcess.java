package io.zeroserve.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real zeroserve command in a child JVM, with its output read line by line. Close it to kill it. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (Exception ignored) {
                // the process ended
            }
        });
    }

    /** Starts {@code zeroserve ARGS --transport <the test transport>} with the test classpath. */
    static ServerProcess start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(), "--transport", TestSites.transport()));
        command.addAll(List.of(args));
        return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Reads output lines until one matches {@code pattern}; fails after 60 s without one. */
    Matcher awaitLine(Pattern pattern, String what) throws InterruptedException {
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(line != null, "no " + what + " line");
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
    }

    /** The port from the first {@code listening on SCHEME://127.0.0.1:PORT} line. */
    int awaitPort(String scheme) throws InterruptedException {
        return Integer.parseInt(awaitLine(Pattern.compile("listening on " + scheme + "://127\\.0\\.0\\.1:(\\d+)"),
                "'listening on " + scheme + "'").group(1));
    }

    /** Sends SIGHUP and waits for the successful reload line. */
    void reload() throws Exception {
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
        awaitLine(Pattern.compile(Pattern.quote("[reload] now serving")), "reload");
    }

    /** Sends SIGTERM and returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server did not stop");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
