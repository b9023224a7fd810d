package io.zeroserve.script;

import io.zeroserve.ebpf.Program;

/** A loaded script: its name (path below {@code .zeroserve/scripts/}), origin and program. */
record LoadedScript(String name, String origin, Program program) {
    boolean has(String section) {
        return program.sections().contains(section);
    }
}
