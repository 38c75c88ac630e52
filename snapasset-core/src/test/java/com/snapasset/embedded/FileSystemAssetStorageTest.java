package com.snapasset.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.AssetStorageContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemAssetStorageTest extends AssetStorageContract {
  @TempDir Path root;

  @Override
  protected AssetStorage createStorage() {
    return FileSystemAssetStorage.create(root);
  }

  @Test
  void filesLandUnderTheRootWithNoTemporaryFilesLeft() throws IOException {
    FileSystemAssetStorage s = FileSystemAssetStorage.create(root.resolve("out"));
    s.put("u1/g1/instagram-post.png", new byte[] {1, 2, 3}, PNG, CACHE);

    Path file = root.resolve("out/u1/g1/instagram-post.png");
    assertThat(file).exists().hasBinaryContent(new byte[] {1, 2, 3});
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".upload-"));
    }
  }

  @Test
  void urlsUseThePublicBaseWhenGiven() {
    FileSystemAssetStorage s = FileSystemAssetStorage.create(root, "http://localhost:8080/files");

    assertThat(s.url("u/g/a.png")).hasToString("http://localhost:8080/files/u/g/a.png");
  }

  @Test
  void fileUrlsPointAtTheFile() {
    FileSystemAssetStorage s = FileSystemAssetStorage.create(root);
    s.put("x/y.png", new byte[] {9}, PNG, CACHE);

    assertThat(Path.of(s.url("x/y.png"))).exists().hasBinaryContent(new byte[] {9});
  }

  @Test
  void filesGetTheUmaskModeLikeAnyNewFileNotTheTempFileMode() throws IOException {
    assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    FileSystemAssetStorage s = FileSystemAssetStorage.create(root.resolve("out"));
    s.put("u/g/a.png", new byte[] {1}, PNG, CACHE);

    // A file created the ordinary way shows what this process's umask allows (0644 under 022).
    Path reference = Files.createFile(root.resolve("reference"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
    Set<PosixFilePermission> actual = Files.getPosixFilePermissions(root.resolve("out/u/g/a.png"));
    assertThat(actual).isEqualTo(expected);
    if (expected.contains(PosixFilePermission.OTHERS_READ)) {
      assertThat(actual).as("readable by a web server running as another user")
          .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    }
  }

  @Test
  void deletingTheLastFileOfAFolderRemovesTheEmptyFoldersButNotTheRoot() {
    FileSystemAssetStorage s = FileSystemAssetStorage.create(root.resolve("out"));
    s.put("u/g1/a.png", new byte[] {1}, PNG, CACHE);
    s.put("u/g1/b.png", new byte[] {2}, PNG, CACHE);
    s.put("u/g2/a.png", new byte[] {3}, PNG, CACHE);

    assertThat(s.delete("u/g1/a.png")).isTrue();
    assertThat(root.resolve("out/u/g1")).as("still holds b.png").isDirectory();
    assertThat(s.delete("u/g1/b.png")).isTrue();
    assertThat(root.resolve("out/u/g1")).doesNotExist();
    assertThat(root.resolve("out/u")).as("still holds g2").isDirectory();
    assertThat(s.delete("u/g2/a.png")).isTrue();
    assertThat(root.resolve("out/u")).doesNotExist();
    assertThat(root.resolve("out")).isDirectory();

    s.put("u/g1/c.png", new byte[] {4}, PNG, CACHE);
    assertThat(s.get("u/g1/c.png")).hasValueSatisfying(b -> assertThat(b).containsExactly(4));
  }
}
