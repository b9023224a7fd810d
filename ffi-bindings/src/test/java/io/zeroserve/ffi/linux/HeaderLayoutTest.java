package io.zeroserve.ffi.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks every hand-written struct layout, field offset and constant against the system's C headers: it writes a C
 * program that prints {@code sizeof}, {@code offsetof} and each constant, compiles it with the C compiler, runs it and
 * compares. The expected side therefore comes from the headers, not from this file.
 */
class HeaderLayoutTest {
    private final Map<String, Long> checks = new LinkedHashMap<>();

    private void size(String struct, Class<?> type) throws ReflectiveOperationException {
        java.lang.foreign.StructLayout layout = (java.lang.foreign.StructLayout) type.getField("LAYOUT").get(null);
        checks.put("sizeof(struct " + struct + ")", layout.byteSize());
    }

    private void offsets(String struct, Class<?> type, String... fields) throws ReflectiveOperationException {
        size(struct, type);
        for (String f : fields) {
            checks.put("offsetof(struct " + struct + ", " + f + ")", type.getField(f).getLong(null));
        }
    }

    /** Every public static final integer constant of {@code holder} whose name starts with one of the prefixes. */
    private void constants(Class<?> holder, String... prefixes) throws IllegalAccessException {
        for (Field f : holder.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !f.getType().isPrimitive()) {
                continue;
            }
            for (String p : prefixes) {
                if (f.getName().startsWith(p)) {
                    long v = ((Number) f.get(null)).longValue();
                    if (f.getType() == byte.class || f.getType() == short.class) {
                        v = f.getType() == byte.class ? v & 0xff : v & 0xffff; // C values are unsigned
                    }
                    checks.put(f.getName(), v);
                }
            }
        }
    }

    @Test
    void layoutsAndConstantsMatchTheHeaders(@TempDir Path dir) throws Exception {
        offsets("io_uring_sqe", IoUringSqe.class, "opcode", "flags", "ioprio", "fd", "off", "addr", "len",
                "user_data", "buf_index", "personality", "splice_fd_in", "addr3");
        checks.put("offsetof(struct io_uring_sqe, rw_flags)", IoUringSqe.op_flags);
        checks.put("offsetof(struct io_uring_sqe, accept_flags)", IoUringSqe.op_flags);
        checks.put("offsetof(struct io_uring_sqe, cancel_flags)", IoUringSqe.op_flags);
        checks.put("offsetof(struct io_uring_sqe, msg_flags)", IoUringSqe.op_flags);
        checks.put("offsetof(struct io_uring_sqe, buf_group)", IoUringSqe.buf_index);
        checks.put("offsetof(struct io_uring_sqe, file_index)", IoUringSqe.splice_fd_in);
        offsets("io_uring_cqe", IoUringCqe.class, "user_data", "res", "flags");
        offsets("io_sqring_offsets", IoSqringOffsets.class, "head", "tail", "ring_mask", "ring_entries", "flags",
                "dropped", "array");
        offsets("io_cqring_offsets", IoCqringOffsets.class, "head", "tail", "ring_mask", "ring_entries",
                "overflow", "cqes", "flags");
        offsets("io_uring_params", IoUringParams.class, "sq_entries", "cq_entries", "flags", "sq_thread_cpu",
                "sq_thread_idle", "features", "wq_fd", "sq_off", "cq_off");
        offsets("io_uring_buf", IoUringBuf.class, "addr", "len", "bid", "resv");
        checks.put("offsetof(struct io_uring_buf_ring, tail)", IoUringBuf.RING_TAIL);
        offsets("io_uring_buf_reg", IoUringBufReg.class, "ring_addr", "ring_entries", "bgid");
        offsets("sockaddr_in", SockaddrIn.class, "sin_family", "sin_port", "sin_addr");
        offsets("sockaddr_in6", SockaddrIn6.class, "sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr",
                "sin6_scope_id");
        checks.put("sizeof(struct sockaddr_storage)", (long) Sockaddrs.SOCKADDR_STORAGE_SIZE);
        constants(IoUring.class, "IOSQE_", "IORING_", "__NR_");
        constants(LibC.class, "F_", "FD_", "O_", "AF_", "SOCK_", "SOL_", "SO_", "SHUT_", "MSG_", "IPPROTO_",
                "IPV6_", "TCP_", "PROT_", "MAP_", "EFD_", "PRIO_");
        constants(Errno.class, "E");

        StringBuilder c = new StringBuilder("""
                #define _GNU_SOURCE
                #include <stddef.h>
                #include <stdio.h>
                #include <errno.h>
                #include <fcntl.h>
                #include <unistd.h>
                #include <sys/mman.h>
                #include <sys/socket.h>
                #include <sys/eventfd.h>
                #include <sys/resource.h>
                #include <sys/syscall.h>
                #include <netinet/in.h>
                #include <netinet/tcp.h>
                #include <linux/io_uring.h>
                int main(void) {
                """);
        List<String> names = new ArrayList<>(checks.keySet());
        for (String expr : names) {
            c.append("  printf(\"%lld\\n\", (long long) (").append(expr).append("));\n");
        }
        c.append("  return 0;\n}\n");
        Path src = dir.resolve("layouts.c");
        Files.writeString(src, c);
        Path exe = dir.resolve("layouts");
        run(List.of(compiler(), "-o", exe.toString(), src.toString()), dir);
        List<String> out = run(List.of(exe.toString()), dir);
        assertEquals(names.size(), out.size(), "one line per check");
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            long header = Long.parseLong(out.get(i).trim());
            long java = checks.get(names.get(i));
            if (header != java) {
                mismatches.add(names.get(i) + ": header " + header + ", Java " + java);
            }
        }
        assertTrue(mismatches.isEmpty(), "layouts or constants differ from the headers:\n" + String.join("\n",
                mismatches));
        assertTrue(names.size() > 150, "checked " + names.size());
    }

    private static String compiler() {
        for (String cc : List.of("cc", "gcc", "clang", "clang-19")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, cc))) {
                    return Path.of(dir, cc).toString();
                }
            }
        }
        throw new AssertionError("no C compiler (cc, gcc, clang) on PATH: .ci/install-prerequisites installs gcc");
    }

    private static List<String> run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertEquals(0, rc, () -> String.join(" ", command) + " failed:\n" + output);
        return output.lines().toList();
    }
}
