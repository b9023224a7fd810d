package io.zeroserve.perf.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Medians over rounds and the n/a-versus-error rule. */
class CellTest {
    private static LoadClient.Measurement rps(double r) {
        return new LoadClient.Measurement(r, 100, r / 10, r / 5, r / 100, 0, 0);
    }

    @Test
    void medianOfOddCountIsTheMiddleValue() {
        Cell c = new Cell("nginx", "nginx", false, false);
        c.rounds.add(rps(30));
        c.rounds.add(rps(10));
        c.rounds.add(rps(20));
        assertEquals(20, c.medianRps());
        assertEquals(2, c.medianP50());
        assertEquals(4, c.medianP99());
        assertEquals(0.2, c.medianCpu(), 1e-12);
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddleTwo() {
        Cell c = new Cell("nginx", "nginx", false, false);
        for (double r : new double[] {40, 10, 30, 20}) {
            c.rounds.add(rps(r));
        }
        assertEquals(25, c.medianRps());
    }

    @Test
    void unknownValuesAreLeftOutAndNoRoundsGiveNaN() {
        Cell c = new Cell("zeroserve", "zeroserve", true, true);
        assertTrue(Double.isNaN(c.medianRps()));
        c.rounds.add(new LoadClient.Measurement(5, 1, Double.NaN, Double.NaN, 1, 0, 0));
        c.rounds.add(new LoadClient.Measurement(7, 1, 3, 9, 1, 0, 0));
        assertEquals(6, c.medianRps());
        assertEquals(3, c.medianP50());
    }

    @Test
    void unavailableIsNotApplicableForZeroserveAndAnErrorForPeers() {
        Cell zs = new Cell("zeroserve", "zeroserve", true, true);
        zs.unavailable("no HTTPS listener");
        assertEquals(Cell.NOT_AVAILABLE, zs.status);
        Cell nginx = new Cell("nginx", "nginx", false, false);
        nginx.unavailable("status 404 for /small.html");
        assertEquals(Cell.ERROR, nginx.status);
    }
}
