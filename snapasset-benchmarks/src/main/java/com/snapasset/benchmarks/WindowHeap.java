package com.snapasset.benchmarks;

import com.snapasset.AssetGenerator;
import com.snapasset.CropPosition;
import com.snapasset.GenerationRequest;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.SourceImage;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
import com.snapasset.spi.StoredObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The heap left after G1's young collections while jobs render and store, with the engine closing
 * each job's decoded image once its renditions are rendered ({@code close}) against the same code
 * with the image hidden behind a wrapper that is not {@code AutoCloseable} ({@code keep}: its
 * shared windows stay until the image is collected, the behaviour before the engine closed it).
 * Nine presets, centre crops (the windows are shared), JPEG, two render threads, stores that take
 * {@code STORE_MS} each (an object store's round trip; the decoded image lives through them).
 *
 * <p>Usage: {@code WindowHeap compare IMAGE [ROUNDS]} runs both modes in fresh JVMs ({@code
 * -Xmx256m}, G1, {@code -Xlog:gc}), interleaved, and prints per run the young collections, the
 * median and maximum heap after them and their pauses. {@code JOBS} (24), {@code JOBS_AT_ONCE} (3)
 * and {@code STORE_MS} (300) change the load. {@code WindowHeap run keep|close IMAGE} is one side.
 */
public final class WindowHeap {
  private static final Pattern YOUNG = Pattern.compile("Pause Young[^\\n]*?\\d+M->(\\d+)M\\(\\d+M\\) ([\\d.]+)ms");

  private WindowHeap() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("compare")) {
      compare(args[1], args.length > 2 ? Integer.parseInt(args[2]) : 3);
    } else if (args.length == 3 && args[0].equals("run")) {
      run(args[1].equals("keep"), Path.of(args[2]));
    } else {
      System.err.println("usage: WindowHeap compare IMAGE [ROUNDS] | WindowHeap run keep|close IMAGE");
      System.exit(2);
    }
  }

  private static void compare(String image, int rounds) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path logs = Files.createTempDirectory("window-heap-");
    System.out.printf("%d jobs, %d at once, stores of %d ms, %s; heap after young collections (MB)%n",
        env("JOBS", 24), env("JOBS_AT_ONCE", 3), env("STORE_MS", 300), image);
    try {
      for (int r = 1; r <= rounds; r++) {
        for (String mode : new String[] {"keep", "close"}) {
          Path log = logs.resolve("gc-" + mode + "-" + r + ".log");
          Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseG1GC", "-Xlog:gc:file=" + log,
              "-cp", System.getProperty("java.class.path"), WindowHeap.class.getName(), "run", mode, image)
              .inheritIO().start();
          if (p.waitFor() != 0) {
            throw new IllegalStateException(mode + " run failed with exit code " + p.exitValue());
          }
          List<Integer> after = new ArrayList<>();
          double pauses = 0;
          Matcher m = YOUNG.matcher(Files.readString(log));
          while (m.find()) {
            after.add(Integer.parseInt(m.group(1)));
            pauses += Double.parseDouble(m.group(2));
          }
          if (after.isEmpty()) { // a light load (few JOBS) may fit in the young generation
            System.out.printf("round %d %-5s no young GC%n", r, mode);
            continue;
          }
          List<Integer> sorted = after.stream().sorted().toList();
          System.out.printf("round %d %-5s young collections %3d, heap after: median %3d, max %3d; pauses %4.0f ms%n",
              r, mode, after.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), pauses);
        }
      }
    } finally {
      try (Stream<Path> files = Files.list(logs)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(logs);
    }
  }

  private static void run(boolean keep, Path image) throws Exception {
    byte[] data = Files.readAllBytes(image);
    StandardImageProcessor standard = StandardImageProcessor.create();
    ImageProcessor processor = !keep ? standard : new ImageProcessor() {
      @Override
      public DecodedImage decode(byte[] bytes) {
        return new NotCloseable(standard.decode(bytes));
      }

      @Override
      public EncodedImage render(DecodedImage source, Rendition rendition) {
        return standard.render(((NotCloseable) source).inner(), rendition);
      }
    };
    List<String> presets = Platforms.presets().stream().map(Platform::id).toList();
    GenerationRequest request = GenerationRequest.builder().userId("u").source(SourceImage.ofBytes(data))
        .output(OutputOptions.of(OutputFormat.JPEG).withPosition(CropPosition.CENTER)).platforms(presets).build();
    ExecutorService jobs = Executors.newFixedThreadPool(env("JOBS_AT_ONCE", 3));
    try (AssetGenerator generator = AssetGenerator.builder().inMemory().assetStorage(new SlowDiscard())
        .imageProcessor(processor).renderThreads(2).build()) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < env("JOBS", 24); i++) {
        done.add(jobs.submit(() -> generator.generate(request)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      jobs.shutdown();
    }
  }

  private static int env(String name, int otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : Integer.parseInt(v.strip());
  }

  /** What the engine saw of a decoded image before it closed them: no {@code AutoCloseable}. */
  private record NotCloseable(DecodedImage inner) implements DecodedImage {
    @Override
    public int width() {
      return inner.width();
    }

    @Override
    public int height() {
      return inner.height();
    }
  }

  /** Keeps nothing (the files would fill the heap being measured); each put takes STORE_MS. */
  private static final class SlowDiscard implements AssetStorage {
    private final long storeMs = env("STORE_MS", 300);

    @Override
    public URI put(String key, byte[] data, String contentType, String cacheControl) {
      try {
        Thread.sleep(storeMs); // stands for an object store's round trip, not a wait for a result
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return url(key);
    }

    @Override
    public Optional<byte[]> get(String key) {
      return Optional.empty();
    }

    @Override
    public boolean delete(String key) {
      return false;
    }

    @Override
    public List<StoredObject> list(String prefix) {
      return List.of();
    }

    @Override
    public URI url(String key) {
      return URI.create("memory:/" + key);
    }
  }
}
