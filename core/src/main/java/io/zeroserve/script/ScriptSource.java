package io.zeroserve.script;

import java.util.Objects;

/**
 * One compiled script to load.
 *
 * @param name   the script's name for {@code zs_call}, hooks and logs: its path below {@code .zeroserve/scripts/},
 *               e.g. {@code 10-auth.o}
 * @param origin where it came from, for error messages, e.g. {@code site.tar:.zeroserve/scripts/10-auth.o}
 * @param elf    the relocatable eBPF object
 */
public record ScriptSource(String name, String origin, byte[] elf) {
    public ScriptSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(elf, "elf");
    }
}
