package io.zeroserve.ebpf.internal.verify;

import io.zeroserve.ebpf.internal.link.LinkedObject;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A linked object that passed the verifier, cut into functions; entries map section name to function index. */
public record VerifiedProgram(LinkedObject object, List<Function> functions, Map<String, Integer> entries) {
    /** The function whose body holds slot {@code pc}. */
    public Function functionAt(int pc) {
        int lo = 0, hi = functions.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (functions.get(mid).start() <= pc) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return functions.get(lo);
    }

    /** Function index by start slot, or -1. */
    public int functionStartingAt(int pc) {
        int[] starts = functions.stream().mapToInt(Function::start).toArray();
        int i = Arrays.binarySearch(starts, pc);
        return i >= 0 ? i : -1;
    }
}
