package com.snapasset.testing;

import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.Subscription;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps a real {@link JobQueue} and records every subscription made through it: which event types
 * it asked for and whether it is still open. Everything else goes straight to the real queue.
 */
public final class SubscriptionWatch {
  /** One {@code subscribe} call: the types it asked for (all of them for the one-argument form). */
  public static final class Made {
    private final Set<QueueEvent.Type> types;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Made(Set<QueueEvent.Type> types) {
      this.types = types;
    }

    public Set<QueueEvent.Type> types() {
      return types;
    }

    public boolean isOpen() {
      return open.get();
    }

    @Override
    public String toString() {
      return types + (isOpen() ? " open" : " closed");
    }
  }

  private final JobQueue queue;
  private final List<Made> made = new CopyOnWriteArrayList<>();

  private SubscriptionWatch(JobQueue real) {
    this.queue = (JobQueue) Proxy.newProxyInstance(JobQueue.class.getClassLoader(),
        new Class<?>[] {JobQueue.class}, (proxy, method, args) -> call(real, method, args));
  }

  /** Watches the subscriptions made on {@code real}. */
  public static SubscriptionWatch of(JobQueue real) {
    return new SubscriptionWatch(real);
  }

  /** The queue to hand to the code under test. */
  public JobQueue queue() {
    return queue;
  }

  /** Every subscription made so far, in order. */
  public List<Made> made() {
    return List.copyOf(made);
  }

  /** The subscriptions still open. */
  public List<Made> open() {
    List<Made> out = new ArrayList<>();
    for (Made m : made) {
      if (m.isOpen()) {
        out.add(m);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Object call(JobQueue real, Method method, Object[] args) throws Throwable {
    Object result;
    try {
      result = method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (method.getName().equals("subscribe")) {
      Set<QueueEvent.Type> types = args.length == 1
          ? EnumSet.allOf(QueueEvent.Type.class) : EnumSet.copyOf((Set<QueueEvent.Type>) args[0]);
      Made m = new Made(Set.copyOf(types));
      made.add(m);
      Subscription sub = (Subscription) result;
      return (Subscription) () -> {
        m.open.set(false);
        sub.close();
      };
    }
    return result;
  }
}
