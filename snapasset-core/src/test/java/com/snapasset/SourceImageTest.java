package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceImageTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0};
  private static final byte[] WEBP = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void pngJpegAndWebpBytesAreAccepted() {
    assertThat(SourceImage.ofBytes(PNG).bytes()).contains(PNG);
    assertThat(SourceImage.ofBytes(JPEG).toString()).isEqualTo("SourceImage[4 bytes]");
    assertThat(SourceImage.ofBytes(WEBP).uri()).isEmpty();
  }

  @Test
  void otherBytesAreRefusedNamingWhatTheyStartWith() {
    assertThatThrownBy(() -> SourceImage.ofBytes("GIF89a...".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a PNG, JPEG or WebP").hasMessageContaining("474946");
    assertThatThrownBy(() -> SourceImage.ofBytes(new byte[0])).isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> new SourceImage(PNG, "https://example.com/a.png")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new SourceImage(null, null)).isInstanceOf(InvalidRequestException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file:///etc/passwd", "ftp://example.com/a.png", "data:image/png;base64,AAAA", "https:///nohost",
      "https://user:pass@example.com/a.png", "not a url", "javascript:alert(1)"})
  void hostileUrlsAreRefusedWhenTheRequestIsMade(String url) {
    assertThatThrownBy(() -> SourceImage.ofUrl(url)).isInstanceOf(InvalidRequestException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pass@"));
  }

  @Test
  void anOverlongUrlIsRefusedAndAPresignedQueryStaysOutOfToString() {
    assertThatThrownBy(() -> SourceImage.ofUrl("https://example.com/" + "a".repeat(SourceImage.MAX_URL_LENGTH)))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at most 2048");
    SourceImage signed = SourceImage.ofUrl("https://bucket.example.com/a.png?X-Amz-Signature=deadbeef");
    assertThat(signed.toString()).isEqualTo("SourceImage[https://bucket.example.com/a.png]");
    assertThat(signed.uri()).isPresent();
  }
}
