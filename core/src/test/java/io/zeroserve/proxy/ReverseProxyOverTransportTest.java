package io.zeroserve.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** {@link ReverseProxyTest} plus what only upstreams connected through one of our transports need. */
abstract class ReverseProxyOverTransportTest extends ReverseProxyTest {
    /** A transport connection has no read timeout of its own: the deadlines cut a read the upstream never answers. */
    @Test
    void aTransportUpstreamThatNeverAnswersIsCutAtTheReadTimeout() throws Exception {
        upstream = new TestUpstream();
        AtomicLong now = new AtomicLong();
        IoDeadlines deadlines = new IoDeadlines(Duration.ofDays(365), Duration.ofSeconds(60), now::get, false);
        proxy = newProxy(ProxySettings.defaults(), deadlines);
        UpstreamUrl url = UpstreamUrl.parse("http://127.0.0.1:" + upstream.port());
        assertEquals("upstream ok", text(proxy.send(url, get("/a", null, List.of()))));
        UpstreamException e = sendWhileTheClockJumps(url, get("/stall", null, List.of()), now, deadlines);
        assertTrue(e != null && e.getMessage().contains("did not answer in time"), String.valueOf(e));
        assertEquals("upstream ok", text(proxy.send(url, get("/b", null, List.of()))), "a new connection serves");
    }
}
