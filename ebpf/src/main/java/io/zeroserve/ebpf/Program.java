package io.zeroserve.ebpf;

import java.util.Set;

/**
 * A loaded, verified and compiled eBPF object. Thread-safe: any number of threads may invoke it at once, each
 * run on its own pooled arena.
 */
public interface Program {
    /**
     * Loads an ELF64 relocatable {@code EM_BPF} object.
     *
     * @param name a name for messages, e.g. the file path in the site
     */
    static Program load(String name, byte[] elf, HelperTable helpers, RuntimeOptions options) throws LoadException {
        return io.zeroserve.ebpf.internal.ProgramLoader.load(name, elf, helpers, options);
    }

    String name();

    /** The entry points: every executable section, by section name. */
    Set<String> sections();

    /** Runs one entry point to completion and returns r0. */
    long invoke(Invocation invocation) throws ProgramFault;
}
