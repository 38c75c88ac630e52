package com.snapasset.embedded;

import com.snapasset.InvalidRequestException;
import com.snapasset.spi.CatalogPage;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The embedded {@link GenerationCatalog}: generations kept in this JVM's memory, lost when it
 * stops. Holds at most a fixed number of generations and forgets the oldest beyond that, so a
 * long-running process does not grow without bound. Thread-safe.
 *
 * <p>For a history that survives restarts and is shared by many JVMs, use the JDBC catalog of
 * {@code snapasset-adapters-jdbc}.
 */
public final class InMemoryGenerationCatalog implements GenerationCatalog {
  /** How many generations {@link #create()} keeps. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** Newest first; the id breaks ties of equal times, as the SQL keyset does. */
  private static final Comparator<Key> NEWEST_FIRST =
      Comparator.comparing(Key::createdAt).thenComparing(Key::id).reversed();

  private final int capacity;
  private final Object lock = new Object();
  // All three are guarded by lock; one monitor keeps record/delete atomic across the indexes.
  private final Map<String, GenerationRecord> byId = new HashMap<>();
  private final Map<String, NavigableSet<Key>> byUser = new HashMap<>();
  private final NavigableSet<Key> byAge = new TreeSet<>(NEWEST_FIRST);

  private InMemoryGenerationCatalog(int capacity) {
    this.capacity = capacity;
  }

  /**
   * A catalog keeping the newest {@value #DEFAULT_CAPACITY} generations.
   *
   * @return a catalog of the default capacity
   */
  public static InMemoryGenerationCatalog create() {
    return new InMemoryGenerationCatalog(DEFAULT_CAPACITY);
  }

  /**
   * A catalog keeping the newest {@code capacity} generations.
   *
   * @param capacity generations kept, at least 1
   * @return the catalog
   */
  public static InMemoryGenerationCatalog withCapacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    return new InMemoryGenerationCatalog(capacity);
  }

  @Override
  public void record(GenerationRecord record) {
    Key key = new Key(record.createdAt(), record.generationId());
    synchronized (lock) {
      if (byId.putIfAbsent(record.generationId(), record) != null) {
        return;
      }
      byUser.computeIfAbsent(record.userId(), u -> new TreeSet<>(NEWEST_FIRST)).add(key);
      byAge.add(key);
      while (byId.size() > capacity) {
        remove(byAge.last());
      }
    }
  }

  @Override
  public Optional<GenerationRecord> find(String generationId) {
    synchronized (lock) {
      return Optional.ofNullable(byId.get(generationId));
    }
  }

  @Override
  public CatalogPage latest(String userId, int limit, @Nullable String cursor) {
    checkLimit(limit);
    Key after = cursor == null ? null : Key.decode(cursor);
    List<GenerationRecord> items = new ArrayList<>(limit);
    boolean more;
    synchronized (lock) {
      NavigableSet<Key> keys = byUser.get(userId);
      if (keys == null) {
        return new CatalogPage(List.of(), null);
      }
      Iterator<Key> it = (after == null ? keys : keys.tailSet(after, false)).iterator();
      while (items.size() < limit && it.hasNext()) {
        items.add(byId.get(it.next().id()));
      }
      more = it.hasNext();
    }
    String next = null;
    if (more) {
      GenerationRecord last = items.get(items.size() - 1);
      next = new Key(last.createdAt(), last.generationId()).encode();
    }
    return new CatalogPage(items, next);
  }

  @Override
  public List<GenerationRecord> deleteOlderThan(Instant cutoff, int limit) {
    if (limit < 1) {
      throw new InvalidRequestException("limit must be at least 1, was " + limit);
    }
    List<GenerationRecord> deleted = new ArrayList<>();
    synchronized (lock) {
      Iterator<Key> oldestFirst = byAge.descendingIterator();
      while (deleted.size() < limit && oldestFirst.hasNext()) {
        Key key = oldestFirst.next();
        if (!key.createdAt().isBefore(cutoff)) {
          break;
        }
        oldestFirst.remove();
        deleted.add(remove(key));
      }
    }
    return deleted;
  }

  /** Removes {@code key} from byId and byUser (and byAge, which the caller may have done). */
  private GenerationRecord remove(Key key) {
    GenerationRecord record = byId.remove(key.id());
    byAge.remove(key);
    NavigableSet<Key> keys = byUser.get(record.userId());
    keys.remove(key);
    if (keys.isEmpty()) {
      byUser.remove(record.userId());
    }
    return record;
  }

  static void checkLimit(int limit) {
    if (limit < 1 || limit > 100) {
      throw new InvalidRequestException("limit must be between 1 and 100, was " + limit);
    }
  }

  /** A position in the newest-first order; its encoding is the page cursor. */
  record Key(Instant createdAt, String id) {
    String encode() {
      String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Key decode(String cursor) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String[] parts = raw.split(":", 3);
        if (parts.length != 3 || parts[2].isEmpty()) {
          throw new IllegalArgumentException("three parts expected");
        }
        return new Key(
            Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        throw new InvalidRequestException(
            "cursor '" + cursor + "' is not valid: pass the nextCursor of the previous page");
      }
    }
  }
}
