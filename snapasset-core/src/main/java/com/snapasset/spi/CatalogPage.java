package com.snapasset.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a user's generations, newest first.
 *
 * @param items the generations of this page
 * @param nextCursor pass to the next call for the following page; null when there is none
 */
public record CatalogPage(List<GenerationRecord> items, @Nullable String nextCursor) {
  /**
   * Checks the components; see the class description.
   *
   * @param items the generations of this page
   * @param nextCursor pass to the next call for the following page; null when there is none
   */
  public CatalogPage {
    items = List.copyOf(items);
  }
}
