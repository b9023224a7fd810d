package io.zeroserve.script;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compiles C request scripts to eBPF objects with clang ({@code clang-19} when installed, else {@code clang}, or
 * {@code $ZEROSERVE_CLANG}), with the SDK header on the include path. Thread-safe; each compile uses its own
 * temporary directory.
 */
public final class ScriptCompiler {
    /** The flags of {@code --pack}: zeroserve's clang path in one invocation. */
    public static final List<String> FLAGS = List.of("-O2", "-Wall", "-target", "bpf", "-mcpu=v3", "-mllvm",
            "-bpf-stack-size=8192", "-fno-builtin", "-c");
    private static final long TIMEOUT_SECONDS = 120;

    private ScriptCompiler() {
    }

    /** The text of {@code zeroserve.h} ({@code --dump-sdk}). */
    public static String sdkHeader() {
        try (InputStream in = ScriptCompiler.class.getResourceAsStream("zeroserve.h")) {
            if (in == null) {
                throw new IllegalStateException("zeroserve.h is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compiler command: {@code $ZEROSERVE_CLANG}, else {@code clang-19} if on the PATH, else {@code clang}. */
    public static String compiler() {
        String env = System.getenv("ZEROSERVE_CLANG");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return onPath("clang-19") ? "clang-19" : "clang";
    }

    /** True when a usable compiler is installed. */
    public static boolean available() {
        String c = compiler();
        return c.contains("/") ? Files.isExecutable(Path.of(c)) : onPath(c);
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles one source.
     *
     * @param displayName the name in messages and diagnostics, e.g. {@code .zeroserve/scripts/auth.c}
     * @return the relocatable object
     * @throws ScriptLoadException with clang's diagnostics when compilation fails
     */
    public static byte[] compile(String displayName, byte[] source) throws ScriptLoadException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("zeroserve-cc");
            Files.writeString(dir.resolve("zeroserve.h"), sdkHeader());
            String base = Path.of(displayName).getFileName().toString();
            Path src = dir.resolve(base.toLowerCase().endsWith(".c") ? base : base + ".c");
            Files.write(src, source);
            Path obj = dir.resolve("out.o");
            List<String> cmd = new ArrayList<>();
            cmd.add(compiler());
            cmd.addAll(FLAGS);
            cmd.add("-I");
            cmd.add(dir.toString());
            cmd.add(src.toString());
            cmd.add("-o");
            cmd.add(obj.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ScriptLoadException(displayName + ": compiler timed out after " + TIMEOUT_SECONDS + " s");
            }
            // Point diagnostics at the user's file name instead of our temporary copy.
            String diagnostics = new String(output, StandardCharsets.UTF_8).replace(src.toString(), displayName);
            if (p.exitValue() != 0) {
                throw new ScriptLoadException(displayName + ": compilation failed (" + compiler() + " exit "
                        + p.exitValue() + ")\n" + diagnostics.stripTrailing());
            }
            byte[] elf = Files.readAllBytes(obj);
            if (elf.length == 0) {
                throw new ScriptLoadException(displayName + ": the compiler produced an empty object");
            }
            return elf;
        } catch (IOException e) {
            throw new ScriptLoadException(displayName + ": cannot run the compiler '" + compiler() + "': "
                    + e.getMessage() + " (install clang-19)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptLoadException(displayName + ": interrupted while compiling", e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a leftover temporary directory is harmless.
        }
    }
}
