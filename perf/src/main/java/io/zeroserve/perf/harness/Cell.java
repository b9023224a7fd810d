package io.zeroserve.perf.harness;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** One server's column in one scenario: its status, the reason when it was not measured, and its rounds. */
final class Cell {
    /** Measured in every round. */
    static final String OK = "ok";
    /** zeroserve lacks a capability the scenario needs: not a failure of the run. */
    static final String NOT_AVAILABLE = "n/a";
    /** Something went wrong with a server or a tool (see the reason). */
    static final String ERROR = "error";
    /** Not measured because the time budget ran out. */
    static final String SKIPPED = "skipped";

    final String server;
    final String instanceKey;
    final boolean zeroserve;
    final boolean jvm;
    final List<LoadClient.Measurement> rounds = new ArrayList<>();
    String status = OK;
    String reason;
    URI base;
    int plannedRounds;

    Cell(String server, String instanceKey, boolean zeroserve, boolean jvm) {
        this.server = server;
        this.instanceKey = instanceKey;
        this.zeroserve = zeroserve;
        this.jvm = jvm;
    }

    /** Marks the cell as not measured: {@code n/a} for zeroserve (a missing capability), else {@code error}. */
    void unavailable(String why) {
        status = zeroserve ? NOT_AVAILABLE : ERROR;
        reason = why;
    }

    void error(String why) {
        status = ERROR;
        reason = why;
    }

    boolean measurable() {
        return status.equals(OK);
    }

    double medianRps() {
        return median(LoadClient.Measurement::requestsPerSecond);
    }

    double medianP50() {
        return median(LoadClient.Measurement::p50Micros);
    }

    double medianP99() {
        return median(LoadClient.Measurement::p99Micros);
    }

    double medianCpu() {
        return median(LoadClient.Measurement::cpuMicrosPerRequest);
    }

    long errors() {
        long e = 0;
        for (LoadClient.Measurement m : rounds) {
            e += m.errors() + m.non2xx();
        }
        return e;
    }

    /** Median over the measured rounds (mean of the middle two for an even count), NaN when there are none. */
    double median(ToDoubleFunction<LoadClient.Measurement> f) {
        double[] v = rounds.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
