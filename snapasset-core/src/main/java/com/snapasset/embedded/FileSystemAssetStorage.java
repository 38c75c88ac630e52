package com.snapasset.embedded;

import com.snapasset.StorageException;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AssetStorage} in a local folder. Writes are atomic (a temporary file in the same folder,
 * then a move), so a reader never sees half a file; keys can never escape the root folder.
 *
 * <p>URLs are {@code file:} URIs, or {@code publicBaseUrl + key} when a base URL is set (e.g. when a
 * web server serves the folder). Content-Type and Cache-Control are not stored: a file server
 * derives them from the extension and its own settings.
 *
 * <p>Files and folders are created with the process's umask (files {@code 0644} under the usual
 * {@code 022}), like any other program's output, so a web server running as another user can
 * serve them.
 */
public final class FileSystemAssetStorage implements AssetStorage {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final @Nullable String publicBaseUrl;

  private FileSystemAssetStorage(Path root, @Nullable String publicBaseUrl) {
    this.root = root;
    this.publicBaseUrl = publicBaseUrl;
  }

  /**
   * Files under {@code root} (created if missing), with {@code file:} URLs.
   *
   * @param root the folder; created if missing
   * @return the storage
   */
  public static FileSystemAssetStorage create(Path root) {
    return create(root, null);
  }

  /**
   * Files under {@code root} (created if missing), with URLs {@code publicBaseUrl + key}.
   *
   * @param publicBaseUrl e.g. {@code http://localhost:8080/files/}; null for {@code file:} URLs
   * @param root the folder; created if missing
   * @return the storage
   */
  public static FileSystemAssetStorage create(Path root, @Nullable String publicBaseUrl) {
    Objects.requireNonNull(root, "root");
    try {
      Path real = Files.createDirectories(root.toAbsolutePath().normalize()).toRealPath();
      String base = publicBaseUrl;
      if (base != null) {
        URI.create(base); // fails fast on a malformed base
        if (!base.endsWith("/")) {
          base = base + "/";
        }
      }
      return new FileSystemAssetStorage(real, base);
    } catch (IOException e) {
      throw StorageException.permanent("cannot create storage folder " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * The folder files are written under.
   *
   * @return the folder every key is resolved against
   */
  public Path root() {
    return root;
  }

  @Override
  public URI put(String key, byte[] data, String contentType, String cacheControl) {
    Path target = resolve(key);
    Path temp = null;
    try {
      // Not Files.createTempFile: it makes the file 0600, which a web server running as another
      // user cannot read. A plain new file gets 0666 less the process umask (0644 under 022).
      temp = target.resolveSibling(".upload-" + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
      try {
        Files.createDirectories(target.getParent());
        Files.write(temp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (NoSuchFileException folderJustPruned) { // a delete emptied and removed it meanwhile
        Files.createDirectories(target.getParent());
        Files.write(temp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return url(key);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw StorageException.retryable("writing " + key + " under " + root + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    try {
      return Optional.of(Files.readAllBytes(resolve(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw StorageException.retryable("reading " + key + " under " + root + " failed: " + e.getMessage(), e);
    }
  }

  /** Deletes the file, and the folders above it that this leaves empty (never the root). */
  @Override
  public boolean delete(String key) {
    try {
      Path file = resolve(key);
      boolean deleted = Files.deleteIfExists(file);
      for (Path dir = file.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root); dir = dir.getParent()) {
        try {
          Files.delete(dir);
        } catch (DirectoryNotEmptyException | NoSuchFileException stillUsed) {
          break;
        }
      }
      return deleted;
    } catch (IOException e) {
      throw StorageException.retryable("deleting " + key + " under " + root + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    List<StoredObject> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile).forEach(p -> {
        String key = root.relativize(p).toString().replace('\\', '/');
        if (key.startsWith(prefix) && !p.getFileName().toString().startsWith(".upload-")) {
          try {
            out.add(new StoredObject(key, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
          } catch (NoSuchFileException gone) {
            // deleted while listing: not part of the answer
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
    } catch (IOException | UncheckedIOException e) {
      throw StorageException.retryable("listing " + prefix + " under " + root + " failed: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public URI url(String key) {
    Path p = resolve(key);
    return publicBaseUrl != null ? URI.create(publicBaseUrl + key) : p.toUri();
  }

  private Path resolve(String key) {
    AssetStorage.checkKey(key);
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) { // checkKey already forbids this; a second wall costs nothing
      throw StorageException.permanent("storage key '" + key + "' escapes the storage folder", null);
    }
    return p;
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // the write already failed; that error is the one to report
      }
    }
  }
}
