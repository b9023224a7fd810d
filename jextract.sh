#!/usr/bin/env bash
# jextract.sh: regenerates the io_uring / libc bindings with jextract (where it is installed) and checks that the
# committed, hand-written classes in ffi-bindings/src/main/java/io/zeroserve/ffi/linux agree with them.
#
# The committed classes are shaped like jextract output (one holder per header with static methods, one class per
# struct with its layout and field offsets) but are not jextract's files: jextract cannot be installed on the build
# machines (no Debian package, not on Maven Central), and liburing's hot path is static inline, which jextract skips.
# So the build never depends on jextract; this script is the cross-check for whoever has it:
#
#   ./jextract.sh                    # generate into ffi-bindings/target/jextract, then compare
#   JEXTRACT=/opt/jextract/bin/jextract ./jextract.sh
#
# It compares every constant of IoUring, LibC and Errno with jextract's value and every struct class's size and
# field offsets with jextract's layout, prints each mismatch and exits 1 when there is one. (The same facts are also
# checked on every build, against the C compiler, by HeaderLayoutTest.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jextract="${JEXTRACT:-$(command -v jextract || true)}"
if [ -z "$jextract" ]; then
  echo "jextract.sh: jextract not found (put it on PATH or set JEXTRACT); see https://jdk.java.net/jextract" >&2
  exit 2
fi
java_home="${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}"
src="$root/ffi-bindings/src/main/java/io/zeroserve/ffi/linux"
out="$root/ffi-bindings/target/jextract"
rm -rf "$out" && mkdir -p "$out/src" "$out/classes"

cat > "$out/headers.h" <<'H'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/io_uring.h>
H

# The names to extract: every constant the committed holders declare, every struct they model, every function.
constants=$(sed -nE 's/^ *public static final (int|long|short|byte) ([A-Z_][A-Z0-9_]*) = .*/\2/p' \
  "$src/IoUring.java" "$src/LibC.java" "$src/Errno.java" | grep -v '^__NR_' | sort -u)
structs="io_uring_sqe io_uring_cqe io_sqring_offsets io_cqring_offsets io_uring_params io_uring_buf io_uring_buf_reg
sockaddr_in sockaddr_in6"
functions="close dup dup2 dup3 fcntl read write send socket bind connect listen setsockopt getsockopt getsockname
getpeername shutdown mmap munmap eventfd strerrorname_np syscall gettid setpriority"
args=(--output "$out/src" --target-package io.zeroserve.ffi.linux.jextract --header-class-name Headers)
for c in $constants; do args+=(--include-constant "$c"); done
for s in $structs; do args+=(--include-struct "$s"); done
for f in $functions; do args+=(--include-function "$f"); done
"$jextract" "${args[@]}" "$out/headers.h"
"$java_home/bin/javac" -nowarn -d "$out/classes" $(find "$out/src" -name '*.java')
(cd "$root" && mvn -q -B -o -pl ffi-bindings compile >/dev/null 2>&1 || mvn -q -B -pl ffi-bindings compile)

cat > "$out/Check.java" <<'J'
import java.lang.foreign.GroupLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** Compares the committed bindings with jextract's; prints mismatches, exits 1 on any. */
public class Check {
    public static void main(String[] args) throws Exception {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        Class<?> headers = Class.forName("io.zeroserve.ffi.linux.jextract.Headers");
        for (String holder : List.of("IoUring", "LibC", "Errno")) {
            for (Field f : Class.forName("io.zeroserve.ffi.linux." + holder).getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !f.getType().isPrimitive() || f.getName().startsWith("__NR_")) {
                    continue;
                }
                Method m = find(headers, f.getName());
                if (m == null) {
                    bad.add(holder + "." + f.getName() + ": not in jextract's output");
                    continue;
                }
                long ours = ((Number) f.get(null)).longValue();
                long theirs = ((Number) m.invoke(null)).longValue();
                int bits = f.getType() == byte.class ? 8 : f.getType() == short.class ? 16 : 64;
                long mask = bits == 64 ? -1L : (1L << bits) - 1;
                if ((ours & mask) != (theirs & mask)) {
                    bad.add(holder + "." + f.getName() + ": ours " + ours + ", jextract " + theirs);
                }
                checked++;
            }
        }
        String[][] structs = {{"IoUringSqe", "io_uring_sqe"}, {"IoUringCqe", "io_uring_cqe"},
                {"IoSqringOffsets", "io_sqring_offsets"}, {"IoCqringOffsets", "io_cqring_offsets"},
                {"IoUringParams", "io_uring_params"}, {"IoUringBuf", "io_uring_buf"},
                {"IoUringBufReg", "io_uring_buf_reg"}, {"SockaddrIn", "sockaddr_in"}, {"SockaddrIn6", "sockaddr_in6"}};
        for (String[] s : structs) {
            Class<?> ours = Class.forName("io.zeroserve.ffi.linux." + s[0]);
            Class<?> theirs = Class.forName("io.zeroserve.ffi.linux.jextract." + s[1]);
            long size = ((StructLayout) ours.getField("LAYOUT").get(null)).byteSize();
            long theirSize = ((GroupLayout) theirs.getMethod("layout").invoke(null)).byteSize();
            if (size != theirSize) {
                bad.add(s[0] + ": size " + size + ", jextract " + theirSize);
            }
            checked++;
            for (Field f : ours.getFields()) {
                if (f.getType() != long.class || !Character.isLowerCase(f.getName().charAt(0))) {
                    continue;
                }
                Method offset = find(theirs, f.getName() + "$offset");
                if (offset == null) {
                    continue; // a union member we name differently (e.g. op_flags); HeaderLayoutTest covers it
                }
                long a = f.getLong(null);
                long b = (long) offset.invoke(null);
                if (a != b) {
                    bad.add(s[0] + "." + f.getName() + ": offset " + a + ", jextract " + b);
                }
                checked++;
            }
        }
        bad.forEach(System.out::println);
        System.out.println(checked + " checked, " + bad.size() + " mismatches");
        System.exit(bad.isEmpty() ? 0 : 1);
    }

    private static Method find(Class<?> c, String name) {
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 0) {
                return m;
            }
        }
        return c.getSuperclass() == null ? null : find(c.getSuperclass(), name);
    }
}
J
"$java_home/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$out/classes:$root/ffi-bindings/target/classes" "$out/Check.java"
