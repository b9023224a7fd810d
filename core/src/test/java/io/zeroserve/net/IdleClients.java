package io.zeroserve.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of the many-idle-connections test (a separate process so that its sockets do not count against the
 * server's fd limit). Usage: {@code IdleClients PORT N}. Opens N connections and prints {@code connected N}; on a
 * {@code go} line from stdin sends {@code ping} on each, reads the 4-byte echo from each, prints {@code served N},
 * closes everything and exits 0.
 */
public final class IdleClients {
    private IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        List<SocketChannel> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            clients.add(SocketChannel.open(server));
        }
        System.out.println("connected " + clients.size());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        if (!"go".equals(in.readLine())) {
            System.exit(2);
        }
        for (SocketChannel c : clients) {
            c.write(ByteBuffer.wrap("ping".getBytes()));
        }
        int served = 0;
        for (SocketChannel c : clients) {
            ByteBuffer b = ByteBuffer.allocate(4);
            while (b.hasRemaining() && c.read(b) >= 0) {
                // read the whole echo
            }
            if (!b.hasRemaining() && new String(b.array()).equals("ping")) {
                served++;
            }
            c.close();
        }
        System.out.println("served " + served);
        System.out.flush();
    }
}
