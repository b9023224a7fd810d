package io.zeroserve.script;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * The script rules of {@code --pack}: a {@code .c} under {@code .zeroserve/scripts/} is compiled and stored as
 * {@code .o} (the source is left out); a {@code .o} there whose sibling {@code .c} exists is skipped (it will be
 * rebuilt); everything else is stored verbatim.
 */
public final class ScriptPack {
    /** What {@code --pack} does with one regular file. */
    public enum Action { COPY, COMPILE, SKIP }

    private ScriptPack() {
    }

    /**
     * @param relativePath the file's path relative to the packed directory, with {@code /} separators
     * @param exists       whether another relative path exists in the directory
     */
    public static Action classify(String relativePath, Predicate<String> exists) {
        String p = ScriptSources.normalizeTarPath(relativePath);
        if (!p.startsWith(ScriptSources.SCRIPTS_DIR)) {
            return Action.COPY;
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".c")) {
            return Action.COMPILE;
        }
        if (p.endsWith(".o")) {
            String stem = p.substring(0, p.length() - 2);
            if (exists.test(stem + ".c") || exists.test(stem + ".C")) {
                return Action.SKIP;
            }
        }
        return Action.COPY;
    }

    /** {@code x.c} becomes {@code x.o}. */
    public static String objectPath(String sourcePath) {
        return sourcePath.substring(0, sourcePath.length() - 2) + ".o";
    }

    /** Compiles one script source for the tar: returns the object bytes, or throws with clang's diagnostics. */
    public static byte[] compile(String relativePath, byte[] source) throws ScriptLoadException {
        return ScriptCompiler.compile(relativePath, source);
    }
}
