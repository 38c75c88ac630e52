package com.snapasset.imaging;

import java.util.Arrays;

/**
 * Length-limited Huffman code lengths and canonical codes for {@link ZlibEncoder} (RFC 1951 §3.2.2).
 * The lengths come from an ordinary Huffman tree; where it is deeper than the limit (15 bits for
 * literals/lengths and distances, 7 for the code-length code) the deep leaves are clamped and the
 * Kraft sum restored by lengthening the deepest leaves that still have room, then the lengths are
 * handed out again by frequency: a valid code, though not always the optimal length-limited
 * one (package-merge), which is far more code for blocks so skewed that the limit binds, rare in
 * PNG rows.
 */
final class HuffmanLengths {
  private HuffmanLengths() {}

  /**
   * Writes into {@code lengths[0..n)} the code lengths (0 for unused symbols) of a prefix code for
   * {@code freq[0..n)} no longer than {@code limit}. At least two symbols get a length, as inflaters
   * (zlib's among them) reject a code of one symbol unless it is a single 1-bit code, and a code
   * with no symbols at all cannot be written.
   */
  static void build(int[] freq, int n, int limit, int[] lengths) {
    assert n <= 1 << limit : n + " symbols cannot fit in " + limit + "-bit codes";
    Arrays.fill(lengths, 0, n, 0);
    // leaves sorted by frequency (ties by symbol, so the result is deterministic)
    long[] leaves = new long[n];
    int used = 0;
    for (int s = 0; s < n; s++) {
      if (freq[s] > 0) {
        leaves[used++] = ((long) freq[s] << 16) | s;
      }
    }
    if (used < 2) {
      // one or no symbol: two 1-bit codes, the used one (or 0) and its neighbour
      int s = used == 1 ? (int) (leaves[0] & 0xFFFF) : 0;
      lengths[s] = 1;
      lengths[s == 0 ? 1 : s - 1] = 1;
      return;
    }
    Arrays.sort(leaves, 0, used);
    // two-queue Huffman construction: leaves in order, internal nodes in order of creation
    long[] weight = new long[2 * used];
    int[] parent = new int[2 * used];
    for (int i = 0; i < used; i++) {
      weight[i] = leaves[i] >>> 16;
    }
    int nextLeaf = 0;
    int nextNode = used;
    int created = used;
    for (int k = 0; k < used - 1; k++) {
      int a = (nextLeaf < used && (nextNode >= created || weight[nextLeaf] <= weight[nextNode]))
          ? nextLeaf++ : nextNode++;
      int b = (nextLeaf < used && (nextNode >= created || weight[nextLeaf] <= weight[nextNode]))
          ? nextLeaf++ : nextNode++;
      weight[created] = weight[a] + weight[b];
      parent[a] = created;
      parent[b] = created;
      created++;
    }
    int root = created - 1;
    int[] depth = new int[2 * used];
    depth[root] = 0;
    for (int i = root - 1; i >= 0; i--) { // parents are created after their children
      depth[i] = depth[parent[i]] + 1;
    }
    // count leaves per length, clamped to the limit
    int[] count = new int[Math.max(limit, 1) + 1];
    boolean clamped = false;
    for (int i = 0; i < used; i++) {
      int d = depth[i];
      if (d > limit) {
        d = limit;
        clamped = true;
      }
      count[d]++;
    }
    if (clamped) {
      // Kraft sum in units of 2^-limit: lengthen leaves just above the limit's depth until it fits;
      // it terminates because DEFLATE's alphabets (19, 30, 286 symbols) fit in 2^limit leaves
      long kraft = 0;
      for (int len = 1; len <= limit; len++) {
        kraft += (long) count[len] << (limit - len);
      }
      while (kraft > 1L << limit) {
        int len = limit - 1;
        while (count[len] == 0) {
          len--;
        }
        count[len]--;
        count[len + 1]++;
        kraft -= 1L << (limit - len - 1);
      }
      // the last step may overshoot, leaving an incomplete code, which zlib's inflate rejects: move
      // deepest leaves up one level (each adds the smallest unit the sum can lack) until complete
      while (kraft < 1L << limit) {
        int len = limit;
        while (count[len] == 0) {
          len--;
        }
        count[len]--;
        count[len - 1]++;
        kraft += 1L << (limit - len);
      }
    }
    // hand the lengths out again: the least frequent leaves (first in order) get the longest codes
    int i = 0;
    for (int len = limit; len >= 1; len--) {
      for (int c = count[len]; c > 0; c--) {
        lengths[(int) (leaves[i++] & 0xFFFF)] = len;
      }
    }
  }

  /** Canonical codes (RFC 1951 §3.2.2) for {@code lengths[0..n)}, bit-reversed for LSB-first output. */
  static void codes(int[] lengths, int n, int[] codes) {
    int[] count = new int[16];
    for (int s = 0; s < n; s++) {
      count[lengths[s]]++;
    }
    count[0] = 0;
    int[] next = new int[16];
    int code = 0;
    for (int len = 1; len < 16; len++) {
      code = (code + count[len - 1]) << 1;
      next[len] = code;
    }
    for (int s = 0; s < n; s++) {
      int len = lengths[s];
      if (len != 0) {
        codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
      }
    }
  }
}
