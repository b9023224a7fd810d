package io.zeroserve.ebpf.internal.run;

import io.zeroserve.ebpf.Helper;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.verify.VerifiedProgram;

/**
 * What every run of one loaded program shares (immutable after load).
 *
 * @param stackNeed per function: its frame plus the deepest chain of callee frames, in bytes
 */
public record ProgramImage(String name, VerifiedProgram program, Helper[] helpers, String[] helperNames,
                           byte[] data, int stackBytes, int[] stackNeed, RuntimeOptions options,
                           Timeslicer timeslicer) {
    public int arenaBytes() {
        return stackBytes + data.length;
    }

    public long dataBase() {
        return Layout.GUEST_BASE + stackBytes;
    }
}
