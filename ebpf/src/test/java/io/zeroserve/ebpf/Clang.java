package io.zeroserve.ebpf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Compiles C to BPF objects with clang-19 during the test (CI installs it via .ci/install-prerequisites). */
final class Clang {
    static final String PRELUDE = """
            typedef unsigned long long u64; typedef long long s64; typedef unsigned int u32; typedef int s32;
            typedef unsigned short u16; typedef unsigned char u8; typedef signed char s8; typedef short s16;
            """;

    private Clang() {
    }

    static byte[] compile(String source, String... extraFlags) {
        try {
            Path dir = Files.createTempDirectory("ebpf-clang");
            Path c = dir.resolve("prog.c");
            Path o = dir.resolve("prog.o");
            Files.writeString(c, PRELUDE + source, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of("clang-19", "-O2", "-target", "bpf", "-mcpu=v3",
                    "-mllvm", "-bpf-stack-size=8192", "-fno-common", "-Wno-unused-function"));
            cmd.addAll(List.of(extraFlags));
            cmd.addAll(List.of("-c", c.toString(), "-o", o.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("clang-19 failed: " + String.join(" ", cmd) + "\n" + out);
            }
            byte[] bytes = Files.readAllBytes(o);
            Files.delete(c);
            Files.delete(o);
            Files.delete(dir);
            return bytes;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot run clang-19 (is it installed? see .ci/install-prerequisites)", e);
        }
    }
}
