package io.zeroserve.ebpf.internal.link;

import io.zeroserve.ebpf.Helper;

import java.util.List;

/**
 * A linked object: every executable section's relocated code concatenated into one slot array (so BPF-to-BPF calls
 * across sections are plain pc-relative calls), the helpers its calls bind to, and the read-only data image.
 *
 * <p>In {@code code}, a helper call is {@code CALL src=0 imm=<index into helpers>}; a local call is
 * {@code CALL src=1 imm=<target - pc - 1>}; an {@code lddw} carries the final guest address.
 *
 * @param data     the image of all allocated data sections ({@code .rodata*}, {@code .data*}, {@code .bss*})
 * @param dataBase the guest address of {@code data[0]}
 */
public record LinkedObject(String name, long[] code, List<CodeSection> sections, List<String> helperNames,
                           List<Helper> helpers, byte[] data, long dataBase) {

    /** One executable section: an entry point at slot {@code start} of the shared code array. */
    public record CodeSection(String name, int start, int length) {
        public int end() {
            return start + length;
        }
    }

    /** The section holding global slot {@code pc}. */
    public CodeSection sectionAt(int pc) {
        for (CodeSection s : sections) {
            if (pc >= s.start() && pc < s.end()) {
                return s;
            }
        }
        return sections.isEmpty() ? new CodeSection("?", 0, 0) : sections.getLast();
    }

    /** "section S instruction N" for a global slot. */
    public String where(int pc) {
        CodeSection s = sectionAt(pc);
        return "section " + s.name() + " instruction " + (pc - s.start());
    }
}
