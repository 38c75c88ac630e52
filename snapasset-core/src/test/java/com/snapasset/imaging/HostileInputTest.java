package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.ImageDecodeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inputs meant to hurt: each must end in an ImageDecodeException, quickly and without OOM. */
class HostileInputTest {
  private final StandardImageProcessor processor = StandardImageProcessor.create();

  @Test
  void pngHeaderClaimingTenGigapixelsIsRefusedBeforeDecoding() {
    byte[] bomb = pngHeaderOnly(100_000, 100_000);
    assertThatThrownBy(() -> processor.decode(bomb))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("100000x100000")
        .hasMessageContaining("over the limit");
  }

  @Test
  void jpegAndWebpHeadersOverTheLimitAreRefused() {
    byte[] jpeg = resource("bliznaca.jpg").clone();
    int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
    jpeg[sof + 5] = (byte) 0xFF; // height 65 535
    jpeg[sof + 6] = (byte) 0xFF;
    jpeg[sof + 7] = (byte) 0xFF; // width 65 535
    jpeg[sof + 8] = (byte) 0xFF;
    assertThatThrownBy(() -> processor.decode(jpeg))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("65535x65535");

    ByteBuffer webp = ByteBuffer.allocate(30).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    webp.put("RIFF".getBytes()).putInt(22).put("WEBP".getBytes()).put("VP8X".getBytes()).putInt(10);
    webp.put(new byte[4]).put(new byte[] {(byte) 0xFF, (byte) 0xFF, 0}).put(new byte[] {(byte) 0xFF, (byte) 0xFF, 0});
    assertThatThrownBy(() -> processor.decode(webp.array()))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("65536x65536");
  }

  @Test
  void pixelAndByteLimitsAreConfigurable() {
    byte[] photo = resource("bliznaca.png");
    StandardImageProcessor small = StandardImageProcessor.builder().maxPixels(320 * 320 - 1).build();
    assertThatThrownBy(() -> small.decode(photo))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("102400 pixels");
    StandardImageProcessor tight = StandardImageProcessor.builder().maxBytes(1000).build();
    assertThatThrownBy(() -> tight.decode(photo))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("over the limit of 1000");
    assertThat(StandardImageProcessor.builder().maxPixels(320 * 320).build().decode(photo).width()).isEqualTo(320);
    assertThatThrownBy(() -> StandardImageProcessor.builder().maxPixels(0))
        .hasMessageContaining("maxPixels");
    assertThatThrownBy(() -> StandardImageProcessor.builder().maxBytes(-1))
        .hasMessageContaining("maxBytes");
  }

  @Test
  void zeroBytes() {
    assertThatThrownBy(() -> processor.decode(new byte[0]))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void randomBytes() {
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);
    assertThatThrownBy(() -> processor.decode(noise))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("not recognised");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bliznaca.jpg", "bliznaca.png", "bliznaca.webp", "keong-interlaced.png",
      "riaphotographs-alpha.webp", "bliznaca-cmyk.jpg"})
  void truncatedFilesAreRefused(String name) {
    byte[] whole = resource(name);
    for (double keep : new double[] {0.2, 0.5, 0.9, 0.995}) {
      byte[] cut = Arrays.copyOf(whole, (int) (whole.length * keep));
      assertThatThrownBy(() -> processor.decode(cut))
          .as("%s cut to %.1f%% (%d of %d bytes)", name, keep * 100, cut.length, whole.length)
          .isInstanceOf(ImageDecodeException.class);
    }
  }

  @Test
  void headerWithRandomBodyIsRefused() {
    byte[] header = pngHeaderOnly(64, 64);
    byte[] junk = Arrays.copyOf(header, header.length + 2000);
    Random r = new Random(7);
    for (int i = header.length; i < junk.length; i++) {
      junk[i] = (byte) r.nextInt();
    }
    assertThatThrownBy(() -> processor.decode(junk)).isInstanceOf(ImageDecodeException.class);
  }

  /** Flipped bytes anywhere: the result is a decoded image or an ImageDecodeException, nothing else. */
  @ParameterizedTest
  @ValueSource(strings = {"bliznaca.jpg", "keong-grey.png", "bliznaca.webp", "orlaustral-palette.png"})
  void mutatedFilesFailOnlyWithTheTypedError(String name) {
    byte[] whole = resource(name);
    Random r = new Random(name.hashCode());
    int refused = 0;
    for (int round = 0; round < 60; round++) {
      byte[] bad = whole.clone();
      for (int k = 0; k < 1 + r.nextInt(8); k++) {
        bad[r.nextInt(bad.length)] = (byte) r.nextInt();
      }
      try {
        processor.decode(bad);
      } catch (ImageDecodeException e) {
        refused++;
      }
    }
    // most single-byte damage to compressed data is caught, but some lands in harmless places
    assertThat(refused).isGreaterThan(0);
  }

  static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    b.putInt(13).put("IHDR".getBytes()).putInt(width).putInt(height);
    b.put(new byte[] {8, 2, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static int indexOf(byte[] d, byte a, byte b) {
    for (int i = 0; i + 1 < d.length; i++) {
      if (d[i] == a && d[i + 1] == b) {
        return i;
      }
    }
    throw new AssertionError("marker not found");
  }
}
