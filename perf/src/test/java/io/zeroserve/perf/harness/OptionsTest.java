package io.zeroserve.perf.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The perf/run command line. */
class OptionsTest {
    @Test
    void scenariosMayBeListedSpaceSeparatedCommaSeparatedOrRepeated() {
        Options o = Options.parse(new String[] {"--repo", "/r", "--scenario", "handshakes", "script-json,proxy-small",
                "--rounds", "4", "--scenario", "static-small-h2"});
        assertEquals(List.of("handshakes", "script-json", "proxy-small", "static-small-h2"), o.scenarios);
        assertEquals(4, o.rounds());
        assertEquals("perf/run --scenario handshakes script-json,proxy-small --rounds 4 --scenario static-small-h2",
                o.commandLine);
    }

    @Test
    void quickChangesTheDefaults() {
        Options quick = Options.parse(new String[] {"--repo", "/r", "--quick"});
        Options full = Options.parse(new String[] {"--repo", "/r"});
        assertEquals(2, quick.rounds());
        assertEquals(3, full.rounds());
        assertTrue(quick.budgetSeconds() < full.budgetSeconds());
        assertEquals(0, quick.warmupSeconds(false));
        assertEquals(1, quick.warmupSeconds(true));
        assertEquals(2, full.warmupSeconds(true));
    }

    @Test
    void variantsAddNamedIoUringColumnsWithJavaOptions() {
        Options o = Options.parse(new String[] {"--repo", "/r", "--variant",
                "sched=-Dzeroserve.io_uring.loopCarriers=false -Xss1m", "--variant", "b=-Da=1"});
        assertEquals(java.util.Map.of("sched", "-Dzeroserve.io_uring.loopCarriers=false -Xss1m", "b", "-Da=1"),
                o.variants);
        assertEquals(List.of("sched", "b"), List.copyOf(o.variants.keySet()));
        for (String bad : List.of("-Da=1", "two words=-Da=1", "nio=-Da=1")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> Options.parse(new String[] {"--repo", "/r", "--variant", bad}));
            assertTrue(e.getMessage().contains("--variant needs NAME=JAVA_OPTS"), e.getMessage());
        }
    }

    @Test
    void mistakesAreReportedWithWhatIsKnown() {
        UsageException e = assertThrows(UsageException.class,
                () -> Options.parse(new String[] {"--repo", "/r", "--scenario", "static-tiny"}));
        assertTrue(e.getMessage().contains("unknown scenario 'static-tiny'"), e.getMessage());
        assertTrue(e.getMessage().contains("static-small-h1"), e.getMessage());
        e = assertThrows(UsageException.class,
                () -> Options.parse(new String[] {"--repo", "/r", "--servers", "nginx,apache"}));
        assertTrue(e.getMessage().contains("unknown server 'apache'"), e.getMessage());
        e = assertThrows(UsageException.class, () -> Options.parse(new String[] {"--repo", "/r", "--rounds", "0"}));
        assertTrue(e.getMessage().contains("--rounds needs a positive whole number"), e.getMessage());
    }
}
