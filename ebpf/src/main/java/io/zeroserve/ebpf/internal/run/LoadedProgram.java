package io.zeroserve.ebpf.internal.run;

import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.ProgramFault;

import java.util.Map;
import java.util.Set;

/** The {@link Program} the loader returns: entry table, engine, arena pool. */
public final class LoadedProgram implements Program {
    private final ProgramImage image;
    private final Engine engine;
    private final Map<String, Integer> entries;
    private final ArenaPool pool;
    private final String engineName;
    private final Engine interpreter;
    private final Object translation;

    public LoadedProgram(ProgramImage image, Engine engine, Engine interpreter, String engineName,
                         Object translation) {
        this.image = image;
        this.translation = translation;
        this.engine = engine;
        this.interpreter = interpreter;
        this.entries = image.program().entries();
        this.pool = new ArenaPool(() -> new RunContext(image, interpreter));
        this.engineName = engineName;
    }

    @Override
    public String name() {
        return image.name();
    }

    @Override
    public Set<String> sections() {
        return entries.keySet();
    }

    /** "jit" or "interpreter": which engine runs entries (functions may still fall back individually). */
    public String engineName() {
        return engineName;
    }

    /** The translator's report ({@code Translator.Report}), or null for the interpreter. */
    public Object translation() {
        return translation;
    }

    public ProgramImage image() {
        return image;
    }

    @Override
    public long invoke(Invocation invocation) throws ProgramFault {
        Integer fn = entries.get(invocation.section());
        if (fn == null) {
            throw new ProgramFault(ProgramFault.Kind.INTERNAL, invocation.section(), -1, "no entry point named "
                    + invocation.section() + " in " + image.name());
        }
        RunContext ctx = pool.acquire();
        try {
            long fp = ctx.begin(invocation, image.stackNeed()[fn]);
            return engine.call(ctx, fn, fp, fp, Layout.GUEST_BASE, image.stackBytes(), 0, fp);
        } catch (GuestTrap t) {
            throw t.toFault();
        } catch (StackOverflowError e) {
            throw new ProgramFault(ProgramFault.Kind.INTERNAL, invocation.section(), -1,
                    "host stack exhausted in " + invocation.section());
        } catch (Throwable t) {
            // Never let a JVM exception escape a run; this is a runtime bug, report it as one.
            throw new ProgramFault(ProgramFault.Kind.INTERNAL, invocation.section(), -1, "internal error in "
                    + invocation.section() + ": " + t);
        } finally {
            ctx.end();
            pool.release(ctx);
        }
    }

    /** Snapshot of a run's stack after completion, for differential tests: runs and returns {r0, stack bytes}. */
    public Object[] invokeForTest(Invocation invocation) throws ProgramFault {
        Integer fn = entries.get(invocation.section());
        RunContext ctx = new RunContext(image, interpreter);
        long fp = ctx.begin(invocation, image.stackNeed()[fn]);
        try {
            long r0 = engine.call(ctx, fn, fp, fp, Layout.GUEST_BASE, image.stackBytes(), 0, fp);
            return new Object[] {r0, ctx.mem.clone()};
        } catch (GuestTrap t) {
            throw t.toFault();
        }
    }
}
