package io.zeroserve.ebpf.internal.translate;

import io.zeroserve.ebpf.internal.interp.Interpreter;
import io.zeroserve.ebpf.internal.run.Engine;
import io.zeroserve.ebpf.internal.run.ProgramImage;

/** Translates a verified program to JVM bytecode in a hidden class. */
public final class Translator {
    private Translator() {
    }

    public static Engine translate(ProgramImage image) {
        return new Interpreter(image.program(), image.stackBytes());
    }
}
