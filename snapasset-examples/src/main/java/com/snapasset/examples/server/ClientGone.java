package com.snapasset.examples.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Notices a client that hangs up while its request is still being worked on, so long work done on
 * its behalf (a synchronous generation) can stop instead of running on for nobody.
 *
 * <p>Jetty 11 reads nothing from an HTTP/1.1 connection while a request on it is being handled, so
 * it cannot see the client go. This asks the connection to report the next readable event; a
 * client that hung up makes the socket readable at end-of-stream. Interest is withdrawn before
 * the answer is written, so Jetty's own reading of the next request is untouched. (Jetty 12 has
 * {@code Request.addFailureListener} for this.)
 */
final class ClientGone implements AutoCloseable {
  private final @Nullable AbstractEndPoint endPoint;
  private final Runnable onGone;
  private boolean watching = true;

  private ClientGone(@Nullable AbstractEndPoint endPoint, Runnable onGone) {
    this.endPoint = endPoint;
    this.onGone = onGone;
  }

  /**
   * Runs {@code onGone} (once, on a Jetty thread) if the client of {@code ctx} closes its
   * connection before the returned watch is closed. A no-op where the connection cannot be watched.
   */
  static ClientGone watch(Context ctx, Runnable onGone) {
    Request base = Request.getBaseRequest(ctx.req());
    EndPoint ep = base == null ? null : base.getHttpChannel().getEndPoint();
    if (!(ep instanceof AbstractEndPoint endPoint)) {
      return new ClientGone(null, onGone);
    }
    ClientGone watch = new ClientGone(endPoint, onGone);
    endPoint.tryFillInterested(new Callback() {
      @Override
      public void succeeded() {
        if (!watch.isWatching()) {
          return;
        }
        try {
          // Readable while a request is in flight: end-of-stream, the client left. (A pipelined
          // next request would be bytes here; HTTP/1.1 clients in practice do not pipeline POSTs.)
          ByteBuffer one = ByteBuffer.allocate(1);
          one.flip(); // Jetty's buffers start in flush mode: empty, ready to be filled
          int n = endPoint.fill(one);
          if (n < 0) {
            watch.gone();
          } else if (n == 0) {
            endPoint.tryFillInterested(this); // a spurious wake-up: keep watching
          }
        } catch (IOException e) {
          watch.gone();
        }
      }

      @Override
      public void failed(Throwable x) {
        if (!(x instanceof CancellationException)) {
          watch.gone();
        }
      }
    });
    return watch;
  }

  private synchronized boolean isWatching() {
    return watching;
  }

  /** Under the lock, so that once {@link #close()} returned, {@code onGone} cannot run any more. */
  private synchronized void gone() {
    if (watching) {
      watching = false;
      onGone.run();
    }
  }

  /** Withdraws the interest, before the answer is written. */
  @Override
  public void close() {
    boolean withdraw;
    synchronized (this) {
      withdraw = watching && endPoint != null;
      watching = false;
    }
    if (withdraw) {
      endPoint.getFillInterest().onFail(new CancellationException("request finished"));
    }
  }
}
