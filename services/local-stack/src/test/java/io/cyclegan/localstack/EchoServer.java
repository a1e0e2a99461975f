package io.cyclegan.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback TCP server that writes back what it reads: a target for {@link FaultProxy} tests. */
final class EchoServer implements AutoCloseable {

  private final ServerSocket socket;
  private final AtomicInteger accepted = new AtomicInteger();

  EchoServer() throws IOException {
    socket = new ServerSocket();
    socket.bind(new InetSocketAddress(Ports.loopback(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Connections that reached this server. */
  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        accepted.incrementAndGet();
        Thread echo = new Thread(() -> echo(client), "echo-" + client.getPort());
        echo.setDaemon(true);
        echo.start();
      } catch (IOException e) {
        return; // closed by close()
      }
    }
  }

  private static void echo(Socket client) {
    try (client;
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // the proxy cut the connection: the end of this echo
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
