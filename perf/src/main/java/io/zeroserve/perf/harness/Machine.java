package io.zeroserve.perf.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine the run happens on, and how its CPUs are split: with two or more CPUs the server gets the first half
 * (CPU 0 on a two-core machine) and the client the second half (CPU 1), each pinned with {@code taskset}; every
 * server runs as many workers as it has CPUs.
 *
 * @param cpus       the CPU ids this process may use
 * @param model      CPU model name
 * @param kernel     kernel release
 * @param serverCpus taskset CPU list for the servers, or null when not pinned
 * @param clientCpus taskset CPU list for the load generators and the upstream, or null when not pinned
 */
record Machine(List<Integer> cpus, String model, String kernel, String serverCpus, String clientCpus) {

    static Machine probe(boolean pin) throws IOException {
        List<Integer> cpus = allowedCpus();
        String model = "unknown CPU";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).strip();
                break;
            }
        }
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        if (!pin || cpus.size() < 2 || !onPath("taskset")) {
            return new Machine(cpus, model, kernel, null, null);
        }
        int half = cpus.size() / 2;
        return new Machine(cpus, model, kernel, join(cpus.subList(0, half)), join(cpus.subList(half, cpus.size())));
    }

    boolean pinned() {
        return serverCpus != null;
    }

    /** Worker processes or threads per server: the size of the server CPU set (all CPUs when not pinned). */
    int workers() {
        return pinned() ? serverCpus.split(",").length : cpus.size();
    }

    /** Load generator threads: the size of the client CPU set, or 1 when not pinned. */
    int clientThreads() {
        return pinned() ? clientCpus.split(",").length : 1;
    }

    String summary() {
        return cpus.size() + " CPU(s), " + model + ", Linux " + kernel + ", "
                + (pinned() ? "server on CPU " + serverCpus + ", client on CPU " + clientCpus : "not pinned")
                + ", " + workers() + " server worker(s)";
    }

    /** {@code /proc/loadavg}'s first three fields, to show how busy the machine was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static List<Integer> allowedCpus() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                List<Integer> ids = new ArrayList<>();
                for (String part : line.substring(line.indexOf(':') + 1).strip().split(",")) {
                    String[] range = part.split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    for (int i = from; i <= to; i++) {
                        ids.add(i);
                    }
                }
                return ids;
            }
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            ids.add(i);
        }
        return ids;
    }

    private static String join(List<Integer> ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(b.isEmpty() ? "" : ",").append(id);
        }
        return b.toString();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
