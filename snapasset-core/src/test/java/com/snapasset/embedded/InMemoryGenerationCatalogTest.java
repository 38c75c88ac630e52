package com.snapasset.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationCatalogContract;
import org.junit.jupiter.api.Test;

class InMemoryGenerationCatalogTest extends GenerationCatalogContract {

  @Override
  protected GenerationCatalog createCatalog() {
    return InMemoryGenerationCatalog.create();
  }

  @Test
  void beyondItsCapacityTheOldestGenerationsAreForgotten() {
    InMemoryGenerationCatalog small = InMemoryGenerationCatalog.withCapacity(3);
    small.record(generation("g2", "alice", T0.plusSeconds(2)));
    small.record(generation("g0", "bob", T0));
    small.record(generation("g3", "alice", T0.plusSeconds(3)));
    small.record(generation("g1", "alice", T0.plusSeconds(1)));
    small.record(generation("g4", "bob", T0.plusSeconds(4)));

    assertThat(small.find("g0")).isEmpty();
    assertThat(small.find("g1")).isEmpty();
    assertThat(small.latest("alice", 10, null).items()).hasSize(2);
    assertThat(small.latest("bob", 10, null).items())
        .singleElement()
        .extracting(r -> r.generationId())
        .isEqualTo("g4");
  }

  @Test
  void capacityMustBePositive() {
    assertThatThrownBy(() -> InMemoryGenerationCatalog.withCapacity(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}
