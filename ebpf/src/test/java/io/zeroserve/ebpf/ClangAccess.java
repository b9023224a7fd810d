package io.zeroserve.ebpf;

/** Lets tests in other packages compile C with {@link Clang}. */
public final class ClangAccess {
    private ClangAccess() {
    }

    public static byte[] compile(String source, String... flags) {
        return Clang.compile(source, flags);
    }
}
