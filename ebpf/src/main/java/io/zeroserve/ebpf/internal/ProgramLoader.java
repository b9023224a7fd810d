package io.zeroserve.ebpf.internal;

import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.RuntimeOptions;

/** Entry of the load pipeline: elf, link, verify, translate. */
public final class ProgramLoader {
    private ProgramLoader() {
    }

    public static Program load(String name, byte[] elf, HelperTable helpers, RuntimeOptions options)
            throws LoadException {
        throw new LoadException(name + ": the eBPF runtime is not built yet (issue 3)");
    }
}
