package com.snapasset.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.AssetStorageContract;
import org.junit.jupiter.api.Test;

class InMemoryAssetStorageTest extends AssetStorageContract {
  @Override
  protected AssetStorage createStorage() {
    return InMemoryAssetStorage.create();
  }

  @Test
  void keepsContentTypeAndCacheControl() {
    InMemoryAssetStorage s = InMemoryAssetStorage.create();
    s.put("a/b.png", new byte[] {1}, "image/png", "public, max-age=60");

    assertThat(s.contentType("a/b.png")).hasValue("image/png");
    assertThat(s.cacheControl("a/b.png")).hasValue("public, max-age=60");
  }
}
