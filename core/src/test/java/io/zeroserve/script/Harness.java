package io.zeroserve.script;

import io.zeroserve.ebpf.Program;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A script host with captured logs, a fixed environment and a settable clock, plus fake scripts. */
final class Harness {
    final List<String> log = new CopyOnWriteArrayList<>();
    final Map<String, String> env = new HashMap<>();
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final ScriptHost host;
    final List<LoadedScript> scripts = new ArrayList<>();
    SiteFiles site;

    Harness() {
        this(ScriptOptions.defaults());
    }

    Harness(ScriptOptions options) {
        host = ScriptHost.create(options.withLog(log::add).withEnvironment(env::get).withWallClock(clock::get));
    }

    FakeProgram script(String name) {
        FakeProgram p = new FakeProgram(name, host.helpers());
        scripts.add(new LoadedScript(name, "test:" + name, p));
        return p;
    }

    ScriptChain chain() {
        return new ScriptChain(host, scripts, site);
    }

    /** A guest bound to a fresh request context of a script named {@code test.o}, for direct helper calls. */
    Fixture fixture(TestRequest request) {
        ScriptChain chain = chain();
        RequestRun run = new RequestRun(chain, request);
        Program none = new FakeProgram("test.o", host.helpers());
        ScriptContext ctx = new ScriptContext(run, new LoadedScript("test.o", "test:test.o", none), 0, null);
        return new Fixture(new FakeGuest(host.helpers(), ctx), ctx, run);
    }

    Fixture fixture() {
        return fixture(TestRequest.get("/"));
    }

    record Fixture(FakeGuest g, ScriptContext ctx, RequestRun run) {
    }
}
