package com.snapasset.openai;

import com.snapasset.ProviderException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Fetches an image the API answered with as a URL: one deadline for the whole call and a byte
 * cap, so a slow or huge answer cannot hold a worker or its heap. Sends no credentials: the URL is
 * pre-signed and often on another host.
 */
final class ImageDownloader implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  private final OkHttpClient http;
  private final long maxBytes;

  ImageDownloader(Duration timeout, long maxBytes) {
    this.http =
        new OkHttpClient.Builder()
            .callTimeout(timeout)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .retryOnConnectionFailure(false)
            .build();
    this.maxBytes = maxBytes;
  }

  byte[] download(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw ProviderException.permanent("OpenAI returned an image URL that is not http(s)", null);
    }
    // The query of a pre-signed URL is a credential: messages name host and path only.
    String shown = parsed.scheme() + "://" + parsed.host() + ":" + parsed.port() + parsed.encodedPath();
    try (Response response = http.newCall(new Request.Builder().url(parsed).get().build()).execute()) {
      if (!response.isSuccessful()) {
        // A new attempt generates a new image with a fresh URL, so any refusal may go away.
        throw ProviderException.retryable(
            "downloading the image from " + shown + " failed with HTTP " + response.code(),
            null,
            null);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw ProviderException.retryable("the image at " + shown + " has no body", null, null);
      }
      long announced = body.contentLength();
      if (announced > maxBytes) {
        throw tooLarge(shown, announced + " bytes");
      }
      return readCapped(body.source(), shown);
    } catch (InterruptedIOException timeout) {
      throw ProviderException.retryable(
          "downloading the image from " + shown + " timed out", timeout, null);
    } catch (IOException e) {
      throw ProviderException.retryable(
          "downloading the image from " + shown + " failed: " + e.getMessage(), e, null);
    }
  }

  private byte[] readCapped(BufferedSource source, String shown) throws IOException {
    Buffer buffer = new Buffer();
    long total = 0;
    for (long read; (read = source.read(buffer, CHUNK)) != -1; ) {
      total += read;
      if (total > maxBytes) {
        throw tooLarge(shown, "more than " + maxBytes + " bytes");
      }
    }
    if (total == 0) {
      throw ProviderException.retryable("the image at " + shown + " is empty", null, null);
    }
    return buffer.readByteArray();
  }

  private ProviderException tooLarge(String shown, String size) {
    return ProviderException.permanent(
        "the image at " + shown + " is " + size + ", over the cap of " + maxBytes
            + " bytes (maxImageBytes)",
        null);
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
