package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.spi.DecodedImage;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RenderStoreStage.RenderGate} on its own: when it closes the image, and how. */
class RenderGateTest {
  @AfterEach
  void clearInterruptStatus() {
    Thread.interrupted(); // whatever a test left, not to leak into the next one on this thread
  }

  @Test
  void noRenderRunsAfterTheEnd() {
    Image image = new Image();
    RenderStoreStage.RenderGate gate = new RenderStoreStage.RenderGate(image);
    gate.end();
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(() -> gate.render(() -> ran.getAndSet(true)))
        .isInstanceOf(CancellationException.class);

    assertThat(ran).isFalse();
    assertThat(image.closes).hasValue(1);
  }

  @Test
  void anEndDuringARenderClosesWhenTheRenderReturnsAndEndingAgainDoesNothing() throws Exception {
    Image image = new Image();
    RenderStoreStage.RenderGate gate = new RenderStoreStage.RenderGate(image);

    int closesDuringRender = gate.render(() -> {
      gate.end();
      return image.closes.get();
    });

    assertThat(closesDuringRender).isZero();
    assertThat(image.closes).hasValue(1);
    gate.end();
    assertThat(image.closes).hasValue(1);
  }

  /**
   * A render thread of a cancelled job still has its interrupt status set when it closes the image:
   * close() runs without it (its interruptible work succeeds), and it is set again afterwards.
   */
  @Test
  void closeRunsWithTheInterruptStatusClearedAndItIsSetAgainAfter() {
    Image image = new Image();
    RenderStoreStage.RenderGate gate = new RenderStoreStage.RenderGate(image);
    Thread.currentThread().interrupt();

    gate.end();

    assertThat(image.closes).hasValue(1);
    assertThat(image.interruptibleWorkDone).as("close() did its interruptible work").isTrue();
    assertThat(Thread.interrupted()).as("interrupt status set again").isTrue();
  }

  /** A close that fails is logged and ignored: the job's renditions are made. */
  @Test
  void aFailingCloseDoesNotFailTheEnd() {
    Image image = new Image();
    image.failure = new IllegalStateException("cannot release");
    RenderStoreStage.RenderGate gate = new RenderStoreStage.RenderGate(image);

    gate.end();

    assertThat(image.closes).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  /** A decoded image that counts its closes; close() does interruptible work first. */
  private static final class Image implements DecodedImage, AutoCloseable {
    final AtomicInteger closes = new AtomicInteger();
    volatile boolean interruptibleWorkDone;
    volatile RuntimeException failure;

    @Override
    public int width() {
      return 200;
    }

    @Override
    public int height() {
      return 100;
    }

    @Override
    public void close() throws InterruptedException {
      closes.incrementAndGet();
      new CountDownLatch(0).await(); // open, yet it throws when the interrupt status is set
      interruptibleWorkDone = true;
      if (failure != null) {
        throw failure;
      }
    }
  }
}
