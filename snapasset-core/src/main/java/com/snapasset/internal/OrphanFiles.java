package com.snapasset.internal;

import com.snapasset.spi.AssetStorage;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of failed generations that storage refused to delete at the time (it was down during the
 * rollback): remembered in this JVM, at most {@value #MAX}, and deleted by a later {@link #sweep}.
 * Thread-safe.
 */
final class OrphanFiles {
  private static final Logger log = LoggerFactory.getLogger(OrphanFiles.class);
  static final int MAX = 10_000;

  private final Set<String> keys = ConcurrentHashMap.newKeySet();

  void add(String key) {
    if (keys.size() < MAX) {
      keys.add(key);
    } else {
      log.warn("too many undeletable files remembered; {} stays in storage", key);
    }
  }

  int size() {
    return keys.size();
  }

  /** Deletes what it can; stops at the first failure (storage is still down). Returns how many went. */
  int sweep(AssetStorage storage) {
    int deleted = 0;
    for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
      String key = it.next();
      try {
        storage.delete(key);
        it.remove();
        deleted++;
      } catch (RuntimeException e) {
        log.debug("orphan {} still not deletable: {}", key, e.toString());
        break;
      }
    }
    if (deleted > 0) {
      log.info("deleted {} file(s) left behind by failed generations", deleted);
    }
    return deleted;
  }
}
